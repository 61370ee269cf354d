"""Passwords, hashed with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def dummy_verify() -> None:
    """Spend as long as checking a password does, when there is no account to check:
    how long a sign-in takes does not tell whether an email has an account."""
    verify_password(_dummy(), "not the password")


@functools.cache
def _dummy() -> str:
    return hash_password("a password no one has")


__all__ = ["dummy_verify", "hash_password", "verify_password"]
