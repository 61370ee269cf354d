"""One exception hierarchy; each class owns its exit status.

The CLI turns any `AdvisorError` into one line on stderr and its exit code. Anything
else escaping is a bug and exits 1.
"""

from __future__ import annotations


class AdvisorError(Exception):
    """Base of every error the advisor reports to a user."""

    exit_code = 1

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.field = field

    def one_line(self) -> str:
        """`FILE:LINE: field: message`, leaving out the parts that are not known."""
        where = ""
        if self.file:
            where = visible(self.file)
            if self.line:
                where += f":{self.line}"
            where += ": "
        field = f"{visible(self.field)}: " if self.field else ""
        text = visible(" ".join(self.message.split()))
        return f"{where}{field}{text}"

    def __str__(self) -> str:
        return self.one_line()


def visible(text: str) -> str:
    """Text with control characters shown as escapes: a file name holding a newline or a
    terminal escape must not split the one error line or reach the terminal live."""
    if all(" " <= c != "\x7f" for c in text):
        return text
    return "".join(c if " " <= c != "\x7f" else c.encode("unicode_escape").decode()
                   for c in text)


class InputError(AdvisorError):
    """The user's file cannot be read as what it claims to be (exit 2)."""

    exit_code = 2


class ProfileError(InputError):
    """A site profile is not a valid v1 profile."""


class RulebookError(InputError):
    """A rule file is invalid: schema, fact paths, ids, dependencies."""


class AssessmentError(AdvisorError):
    """The engine failed while assessing a valid profile: a bug, never the user's fault."""

    exit_code = 1
