"""Errors that the CLI turns into one clear line and a non-zero exit."""

from __future__ import annotations


class CyplinkError(Exception):
    """An expected failure with a message meant for the user (no traceback)."""


class InputFileError(CyplinkError):
    """A landing or identifier file that cannot be used, named with where and why."""

    def __init__(
        self,
        path: object,
        problem: str,
        *,
        row: int | None = None,
        column: str | None = None,
        expected: str | None = None,
    ) -> None:
        parts = [f"{path}"]
        if row is not None:
            parts.append(f"row {row}")
        if column is not None:
            parts.append(f"column {column!r}")
        where = ", ".join(parts)
        message = f"{where}: {problem}"
        if expected:
            message += f" (expected {expected})"
        super().__init__(message)
        self.path = path
        self.row = row
        self.column = column
        self.expected = expected
