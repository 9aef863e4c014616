"""The one error tree of retailpulse.

Every error a user can meet is one of these, and its message names the fix::

    RetailPulseError
    ├── ConfigError            a setting is missing or wrong (names the setting)
    │   └── DatabaseUnreachable   the database URL cannot be opened
    ├── InputError             bad input from a file, a form or a command (row / field when known)
    │   ├── MissingColumnError    a required column is absent (names the column and the file)
    │   ├── UnknownKindError      an import kind that does not exist
    │   └── FileFormatError       a file that cannot be read as the format it claims
    ├── SourceError            a platform connector failed
    │   ├── AuthExpired
    │   ├── RateLimited(retry_after)
    │   └── Transient
    ├── ModelError             a model file is missing, corrupt or from another version
    ├── WorkerLost             a worker process stopped mid-way (killed, out of memory)
    ├── NotFittedError         an estimator used before ``fit``
    ├── NotFoundError          a record that does not exist (an id in a URL or a command)
    └── PolicyBlocked          the privacy guard refused an action (consent, pressure, quiet hours)

Vendor errors (SQLAlchemy, httpx, Polars) are mapped to these at the boundary that calls the
vendor; no vendor exception reaches a user.
"""

from __future__ import annotations

from typing import Any


class RetailPulseError(Exception):
    """Base of every error retailpulse raises on purpose."""

    #: HTTP status the web and API surfaces use for this error.
    status: int = 500

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details: list[dict[str, Any]] = details or []

    def to_dict(self) -> dict[str, Any]:
        """The JSON error envelope shared by the API and ``--json`` CLI output."""
        return {
            "ok": False,
            "error": self.message,
            "errors": self.details,
            "status": self.status,
        }


class ConfigError(RetailPulseError):
    """A setting is missing or invalid; the message names the setting."""

    status = 500


class DatabaseUnreachable(ConfigError):
    """The database named by a URL cannot be opened."""

    status = 503


class InputError(RetailPulseError):
    """Bad input. Carries the row number and field when they are known."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        field: str | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(message, details=details)
        self.row = row
        self.field = field


class MissingColumnError(InputError):
    """A required column is absent from an input file."""


class UnknownKindError(InputError):
    """An import/export kind that retailpulse does not know."""


class FileFormatError(InputError):
    """A file that cannot be read as the format it claims to be."""


class SourceError(RetailPulseError):
    """A platform connector failed."""

    status = 502


class AuthExpired(SourceError):
    """The platform token expired or was revoked; reconnect the account."""

    status = 401


class RateLimited(SourceError):
    """The platform asked us to slow down."""

    status = 429

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class Transient(SourceError):
    """A temporary failure worth retrying."""

    status = 503


class ModelError(RetailPulseError):
    """A model file is missing, corrupt or from an incompatible version."""

    status = 500


class WorkerLost(RetailPulseError):
    """A worker process stopped before it finished its work (killed, out of memory)."""

    status = 500


class NotFittedError(RetailPulseError):
    """An estimator was used before ``fit``."""

    status = 500


class NotFoundError(RetailPulseError):
    """A record that does not exist."""

    status = 404


class PolicyBlocked(RetailPulseError):
    """The privacy guard refused an action."""

    status = 403


__all__ = [
    "AuthExpired",
    "ConfigError",
    "DatabaseUnreachable",
    "FileFormatError",
    "InputError",
    "MissingColumnError",
    "ModelError",
    "NotFittedError",
    "NotFoundError",
    "PolicyBlocked",
    "RateLimited",
    "RetailPulseError",
    "SourceError",
    "Transient",
    "UnknownKindError",
]
