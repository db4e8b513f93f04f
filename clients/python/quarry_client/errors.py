"""Errors the client raises: one class per kind of server answer, each carrying the JSON error code."""
from typing import Optional


class QuarryError(Exception):
    """An error answer of the server: its HTTP status, its `error.code` and its message."""

    def __init__(self, status: int, code: str, message: str, retry_after: Optional[float] = None):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class InvalidRequestError(QuarryError):
    """400, 413, 415: the request itself is wrong."""


class AuthenticationError(QuarryError):
    """401: the admin token is missing or wrong."""


class NotFoundError(QuarryError):
    """404: no such collection, alias, item or document."""


class ConflictError(QuarryError):
    """409: the name is taken, or an alias still names the collection."""


class UnprocessableError(QuarryError):
    """422: well-formed but unusable (unknown model, invalid index factory, unreadable file)."""


class UnavailableError(QuarryError):
    """503 (overloaded, read-only storage, collection that could not be opened) or 507 (disk full),
    once the client's retries are spent."""


class ServerError(QuarryError):
    """Any other answer of 500 or above."""


class TransportError(QuarryError):
    """No answer at all: the connection failed or timed out (status 0)."""


_BY_STATUS = {400: InvalidRequestError, 401: AuthenticationError, 404: NotFoundError, 409: ConflictError,
              413: InvalidRequestError, 415: InvalidRequestError, 422: UnprocessableError,
              503: UnavailableError, 507: UnavailableError}


def error_for(status: int, body: object, retry_after: Optional[float] = None) -> QuarryError:
    """The exception for an error answer with JSON `body` ({"error": {"code", "message"}})."""
    detail = body.get("error", {}) if isinstance(body, dict) else {}
    code = detail.get("code", "http_%d" % status) if isinstance(detail, dict) else "http_%d" % status
    message = detail.get("message", "") if isinstance(detail, dict) else ""
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else QuarryError)
    return kind(status, code, message, retry_after)
