"""Errors that carry a message a user can act on (Chinese) and one for the logs (English)."""

from __future__ import annotations


class DomainError(Exception):
    """A refusal by a rule of the domain.

    ``message`` is shown to users (Simplified Chinese, says what to do); ``log_message`` is
    written to logs (English, with the identifiers needed to find the row). ``field`` names
    the form field the refusal is about, when there is one, so a form sent back can show the
    message beside it.
    """

    def __init__(self, message: str, *, log_message: str = "", field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.log_message = log_message or message
        self.field = field

    def __str__(self) -> str:
        if self.log_message and self.log_message != self.message:
            return f"{self.message} ({self.log_message})"
        return self.message
