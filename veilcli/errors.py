"""Failures: one exception hierarchy with a user-facing message, a hint and an exit code.

Data problems inside a file are *findings* (see ``models.Issue``), not exceptions; these
classes are for situations where a command cannot go on at all.
"""

from __future__ import annotations


class VeilcliError(Exception):
    """A failure the CLI reports as one clear message (never a traceback)."""

    exit_code: int = 2

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  hint: {self.hint}"


class InputError(VeilcliError):
    """A file or option the user gave cannot be used (missing, unreadable, wrong sheet...)."""


class UsageError(VeilcliError):
    """Options that do not fit together or have a wrong value."""


class StoreError(VeilcliError):
    """The store cannot be read or written (corrupt manifest, busy lock, conflicts)."""


class MissingStoreError(StoreError):
    """A command that reads the store was given a store folder that does not exist (a mistyped
    ``--store``, or a working folder without ``.veilcli``): never read as a store without data."""
