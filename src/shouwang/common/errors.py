"""Errors that actions raise and views / API endpoints translate into responses."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError


class ActionError(ValidationError):
    """A request that is understood but not allowed in the object's current state."""


class NotPermitted(PermissionDenied):
    """The actor may not do this. Views answer 403 where the object is visible, else 404.

    A PermissionDenied, so that a view which does not catch it still answers 403, not 500."""
