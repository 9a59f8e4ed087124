"""Shared pieces of the service layer."""


class ServiceError(Exception):
    """A business rule refused a change. ``message`` is for the user (Indonesian)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class VersionConflict(ServiceError):
    """Someone else saved the record after this form was opened (optimistic locking)."""
