"""Errors a user can act on.

Every error that reaches the command line is an :class:`InputError` (or a subclass) whose message is one
line saying what is wrong and what to do. The CLI prints it to stderr and exits with status 2.
"""

from __future__ import annotations


class ProportionError(Exception):
    """Base class for every error raised on purpose by proportion."""


class InputError(ProportionError):
    """The input cannot be reviewed: unreadable, unsafe, unsupported or empty.

    ``code`` is a stable identifier (P1xx) that scripts can match on; the message is for people.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return f"{self.code} {self.message}"
