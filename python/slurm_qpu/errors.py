"""The one exception the client raises on purpose, carrying slurm-qpu's stable error codes.

The codes are those of docs/errors.md; they arrive from the job gateway's JSON error body or from
``qrun``'s ``--json`` error line, so a Python program can branch on the same code a shell script sees
as an exit code.
"""
from __future__ import annotations

from typing import Any, Mapping, Optional


#: qrun's exit code for "interrupted, resumable" (EX_TEMPFAIL): the same number a job script tests for.
EXIT_INTERRUPTED = 75


class QrunError(Exception):
    """An error with a stable ``code`` (e.g. ``QASM_SYNTAX``), a ``hint`` saying what to do, and ``details``.

    Constructing one with code ``TASK_INTERRUPTED`` gives a :class:`TaskInterrupted`, so a program can
    ``except TaskInterrupted`` the way a job script tests for exit code 75.
    """

    def __new__(cls, code: str, *args: Any, **kwargs: Any) -> "QrunError":
        if cls is QrunError and code == "TASK_INTERRUPTED":
            cls = TaskInterrupted
        return super().__new__(cls)

    def __init__(
        self,
        code: str,
        message: str,
        *,
        hint: Optional[str] = None,
        details: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.details = dict(details) if details is not None else {}

    @property
    def resumable(self) -> bool:
        """True when the run was interrupted (its job's time limit) and left a record to resume from."""
        return self.code == "TASK_INTERRUPTED"

    @property
    def exit_code(self) -> int:
        """The exit code qrun gives this error's family where the client knows it (75 for interrupted), else 1."""
        return EXIT_INTERRUPTED if self.resumable else 1

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        return text if not self.hint else f"{text}\n  hint: {self.hint}"

    def __repr__(self) -> str:
        return f"QrunError({self.code!r}, {self.message!r}, hint={self.hint!r})"

    def __reduce__(self):  # keeps code/hint/details across pickling (multiprocessing, futures)
        return (_rebuild, (self.code, self.message, self.hint, self.details))

    @classmethod
    def from_json(cls, body: Any, fallback_code: str, fallback_message: str) -> "QrunError":
        """From ``{"error": {code, message, hint?, details?}}``; the fallbacks when the body is not that."""
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict) or not isinstance(error.get("code"), str):
            return cls(fallback_code, fallback_message)
        hint = error.get("hint")
        details = error.get("details")
        return cls(
            error["code"],
            error["message"] if isinstance(error.get("message"), str) else fallback_message,
            hint=hint if isinstance(hint, str) else None,
            details=details if isinstance(details, dict) else None,
        )


class TaskInterrupted(QrunError):
    """The run was interrupted before it finished (the job's time limit); ``details["record"]``, when
    qrun gives it, is the task record that ``qrun resume RECORD`` continues in the next job."""

    @property
    def record(self) -> Optional[str]:
        value = self.details.get("record")
        return value if isinstance(value, str) else None


def _rebuild(code: str, message: str, hint: Optional[str], details: Mapping[str, Any]) -> QrunError:
    return QrunError(code, message, hint=hint, details=details)
