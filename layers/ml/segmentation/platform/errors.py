"""Domain errors; the API layer maps each to an HTTP status."""

import json
from typing import Any


class PlatformError(Exception):
    """Base class: the message is safe to show to a caller."""

    status_code = 500


class InvalidInput(PlatformError, ValueError):
    """Input that cannot be processed; `field` names where the problem is. A ValueError, so a pydantic
    validator can call a domain check directly and the message becomes the field's error."""

    status_code = 422

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class NotFound(PlatformError):
    status_code = 404


class Conflict(PlatformError):
    status_code = 409


class DependencyUnavailable(PlatformError):
    """A table, bucket, model or other dependency is missing or unreachable."""

    status_code = 503


class ConfigurationError(DependencyUnavailable):
    """The function was deployed without a setting it needs."""


class TransientError(PlatformError):
    """Worth retrying: Step Functions Retry blocks match this error name."""

    status_code = 503


def task_failure(cause: str) -> tuple[str, Any]:
    """A Step Functions Catch `cause`, as (message, stack trace): a failed Lambda task's cause is its error
    document ({"errorMessage", "stackTrace", ...}); any other cause is the message itself, with no trace."""
    try:
        document = json.loads(cause)
    except ValueError:
        return cause, None
    if isinstance(document, dict) and "errorMessage" in document:
        return document["errorMessage"], document.get("stackTrace")
    return cause, None
