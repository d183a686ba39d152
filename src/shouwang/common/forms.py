"""Form pieces more than one app's forms share."""

from __future__ import annotations

from django import forms


def iso_date_input() -> forms.DateInput:
    """A browser date picker for a `DateField`, its value written as an ISO date.

    A browser's date input takes only ISO dates (2026-11-24): a value in another format, such as
    the Chinese locale's 2026/11/24, shows as an empty field. Without an explicit format the
    widget would write the value in the active language's format."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
