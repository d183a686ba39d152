"""The selects of the hazard forms: an empty choice in the page's language, and organisations
of one name told apart."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shouwang.common.testing import Cast
from shouwang.hazards.views.forms import AssignForm
from shouwang.orgs.actions import do_create_organisation
from shouwang.orgs.choices import OrganisationKind


@pytest.mark.parametrize("name", ["hazard-import", "campaign-create"])
def test_the_unit_select_offers_a_translated_empty_choice(
    cast: Cast, client: Client, name: str
) -> None:
    client.force_login(cast.alice)
    body = client.get(reverse(f"hazards:{name}")).content.decode()
    assert '<option value="">请选择单位</option>' in body
    assert "Select an option" not in body
    client.cookies["django_language"] = "en"
    # The request activates English; the override puts the test's language back afterwards.
    with translation.override("en"):
        body = client.get(reverse(f"hazards:{name}")).content.decode()
    assert '<option value="">Choose a unit</option>' in body


def organisation_labels(cast: Cast) -> list[str]:
    form = AssignForm(actor=cast.alice)
    return [str(label) for value, label in form.fields["organisation"].choices if value]  # type: ignore[attr-defined]


def test_organisations_of_one_name_are_told_apart_in_the_assign_form(cast: Cast) -> None:
    do_create_organisation(
        name="东门五金厂",
        kind=OrganisationKind.COMPANY,
        unit=cast.grid_a,
        credit_code="91990102MA2B3C4D5E",
        actor=None,
    )
    do_create_organisation(
        name="东门五金厂",
        kind=OrganisationKind.COMPANY,
        unit=cast.grid_a,
        credit_code="91990102MA7F8G9H0J",
        actor=None,
    )
    do_create_organisation(
        name="东门印染厂", kind=OrganisationKind.COMPANY, unit=cast.grid_a, actor=None
    )
    with translation.override("zh-hans"):
        labels = organisation_labels(cast)
    namesakes = [label for label in labels if label.startswith("东门五金厂")]
    assert len(namesakes) == len(set(namesakes)) == 3
    assert "东门五金厂(信用代码尾号 3C4D5E · 东门一网格)" in namesakes
    # Without a credit code, the id is what is left to tell it apart.
    assert f"东门五金厂(东门一网格 · #{cast.company.pk})" in namesakes
    # A name that does not repeat stays as it is.
    assert "东门印染厂" in labels
