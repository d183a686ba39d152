"""Typed errors of the hotspot engine.

The engine has no gettext: each error carries a stable ``code`` and the values a caller needs to
build a translated message (the Django layer maps codes to zh-Hans msgids).
"""

from __future__ import annotations

from typing import Any


class HotspotError(ValueError):
    """Base class: ``code`` names the problem, ``details`` holds its values."""

    code = "hotspot_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.details: dict[str, Any] = details


class InvalidEvents(HotspotError):
    """Event arrays of different lengths, non-finite coordinates or missing times."""

    code = "invalid_events"


class InvalidGrid(HotspotError):
    """A grid with no cells, a non-positive cell size or a mask of the wrong shape."""

    code = "invalid_grid"


class UnknownModel(HotspotError):
    """A model name that ``forecast`` does not know."""

    code = "unknown_model"


class InvalidWindow(HotspotError):
    """A non-positive horizon, or a flagged area that covers no cell."""

    code = "invalid_window"


class InputFileError(HotspotError):
    """A row of an input file that cannot be read: ``row`` (1-based, header = 1) and ``column``."""

    code = "input_file"
