"""Errors every edge translates the same way: HTTP status, CLI exit code, a message naming the problem."""

from __future__ import annotations


class ServiceError(Exception):
    """Base of use-case errors; ``str(error)`` is safe to show to the person who asked."""

    http_status = 400


class InvalidInput(ServiceError):
    """The request or file cannot be accepted; nothing was stored."""

    http_status = 422


class PermissionDenied(ServiceError):
    """The actor's role or scope does not allow this."""

    http_status = 403


class NotFound(ServiceError):
    """No such thing, or not visible to this actor (the two are not told apart)."""

    http_status = 404


class TooLarge(InvalidInput):
    """Over the configured size limit."""

    http_status = 413


class Unavailable(ServiceError):
    """The content exists in the catalogue but cannot be read (shredded, key missing, integrity failure)."""

    http_status = 410
