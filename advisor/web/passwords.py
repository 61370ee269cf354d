"""Passwords, hashed with argon2id (argon2-cffi's recommended parameters).

A check costs about a fifth of a second of one core on purpose. Checks run at most one
per core at a time: a room signing in at once then queues for the cores instead of
sharing them with every other page (measured under load: pages' median 8.5 s -> 0.8 s
while 50 people signed in on two busy cores; docs/performance.md).
"""

from __future__ import annotations

import functools
import os
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher().hash(password)


_CHECKING = threading.BoundedSemaphore(os.cpu_count() or 1)


def verify_password(stored: str, password: str) -> bool:
    with _CHECKING:
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
