import datetime

from django import forms
from django.utils import translation

from shouwang.common.forms import iso_date_input
from shouwang.common.labels import choice_label
from shouwang.hazards.choices import HazardCategory


def test_a_date_input_holds_an_iso_date_in_every_language() -> None:
    class _Form(forms.Form):
        day = forms.DateField(widget=iso_date_input())

    for language in ("zh-hans", "en"):
        with translation.override(language):
            html = str(_Form(initial={"day": datetime.date(2026, 11, 24)})["day"])
        assert 'type="date"' in html
        assert 'value="2026-11-24"' in html


def test_a_choice_label_falls_back_to_the_value_and_to_nothing() -> None:
    first = next(iter(HazardCategory))
    assert choice_label(HazardCategory, first.value) == str(first.label)
    assert choice_label(HazardCategory, "no-such-value") == "no-such-value"
    assert choice_label(HazardCategory, "") == ""
    assert choice_label(HazardCategory, None) == ""
