"""Display labels of stored choice values."""

from __future__ import annotations

from typing import Any


def choice_label(choices: Any, value: Any) -> str:
    """The label of ``value`` in the ``choices`` enum, in the active language; a value that is
    not (or no longer) one of the choices is shown as it is, and a missing one as ""."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value or "")
