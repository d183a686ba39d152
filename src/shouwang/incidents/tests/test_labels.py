"""What the English pages show of the incidents' vocabulary: seeded categories and forecast
models in English, a city's own categories as entered, punctuation that belongs to a language."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from shouwang.common.apitest import session_client
from shouwang.common.testing import POINT_A, Cast
from shouwang.incidents.actions import do_create_scheduled_event
from shouwang.incidents.choices import EventKind
from shouwang.incidents.models import Incident, IncidentCategory
from shouwang.incidents.templatetags.incident_tags import reason_text

from .factories import add_incidents

CITY_OWN = "电动车盗窃"  # a category the city adds under 刑事


@pytest.fixture
def data(cast: Cast) -> Cast:
    criminal = IncidentCategory.objects.get(code="criminal")
    IncidentCategory.objects.create(code="ebike_theft", name=CITY_OWN, parent=criminal)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    add_incidents(
        cast.alice,
        cast.station_a,
        [(f"{yesterday} 09:30", "入室盗窃", *POINT_A), (f"{yesterday} 10:30", CITY_OWN, *POINT_A)],
    )
    return cast


def english(cast: Cast) -> Client:
    client = session_client(cast.alice)
    client.cookies["django_language"] = "en"
    return client


def test_an_english_page_shows_seeded_categories_in_english_and_the_citys_own_as_entered(
    data: Cast,
) -> None:
    client = english(data)
    burglary = Incident.objects.get(category__code="burglary")
    own = Incident.objects.get(category__code="ebike_theft")
    detail = client.get(f"/incidents/{burglary.pk}/").content.decode()
    assert "Crime › Burglary" in detail and "入室盗窃" not in detail
    assert f"Crime › {CITY_OWN}" in client.get(f"/incidents/{own.pk}/").content.decode()
    for url in ("/incidents/", "/incidents/map/", "/incidents/trends/"):
        page = client.get(url).content.decode()
        assert "Burglary" in page and "入室盗窃" not in page, url
        assert CITY_OWN in page, url
    feed = client.get("/incidents/map.geojson").json()
    assert {f["properties"]["category"] for f in feed["features"]} == {"Burglary", CITY_OWN}
    api = client.get(f"/api/v1/incidents/{burglary.pk}").json()
    assert (api["category"], api["category_name"]) == ("burglary", "Burglary")


def test_the_chinese_page_and_a_renamed_seeded_category_keep_their_stored_names(
    data: Cast,
) -> None:
    burglary = Incident.objects.get(category__code="burglary")
    page = session_client(data.alice).get(f"/incidents/{burglary.pk}/").content.decode()
    assert "刑事 › 入室盗窃" in page
    IncidentCategory.objects.filter(code="burglary").update(name="入户盗窃")
    with translation.override("en"):
        assert IncidentCategory.objects.get(code="burglary").label == "入户盗窃"


def test_the_model_selector_names_models_and_keeps_their_identifiers(data: Cast) -> None:
    page = english(data).get("/incidents/map/?model=kde").content.decode()
    assert '<option value="kde" selected>Kernel density</option>' in page
    assert '<option value="prospective">Prospective hotspots</option>' in page
    assert '<option value="etas">Near repeats (ETAS)</option>' in page
    assert ">naive_all<" not in page and ">best<" not in page and ">sepp<" not in page


def test_the_map_defaults_to_the_best_map_and_offers_the_self_exciting_models(data: Cast) -> None:
    page = session_client(data.alice).get("/incidents/map/").content.decode()
    assert '<option value="best" selected>' in page
    assert '<option value="sepp">自激点过程</option>' in page
    cells = session_client(data.alice).get("/incidents/forecast.geojson?model=etas").json()
    assert cells["type"] == "FeatureCollection" and cells["features"]


def test_duty_events_and_reasons_use_the_languages_own_punctuation(data: Cast) -> None:
    day = timezone.localdate() + timedelta(days=2)
    for name, kind, crowd in [("马拉松", EventKind.SPORTS, 30000), ("元旦", EventKind.HOLIDAY, 0)]:
        do_create_scheduled_event(
            actor=data.alice,
            name=name,
            kind=kind,
            unit=data.station_a,
            starts_on=day,
            ends_on=day,
            expected_crowd=crowd,
        )
    page = english(data).get(f"/incidents/duty/?day={day.isoformat()}").content.decode()
    station = data.station_a.name
    assert f"马拉松 (Sports event, {station}, 30,000 people expected)" in page
    assert f"元旦 (Holiday, {station})</li>" in page
    assert "Planned event “元旦”<" in page and " 0 people" not in page
    with translation.override("en"):
        assert reason_text({"code": "event", "name": "马拉松", "crowd": 30000}) == (
            "Planned event “马拉松”, 30,000 people expected"
        )


def test_the_trend_figures_carry_their_brackets_inside_the_translation(data: Cast) -> None:
    page = english(data).get("/incidents/trends/").content.decode()
    assert "Period on period (previous period: " in page
    assert "Year on year (a year earlier: " in page
    assert "<th>Previous period</th>" in page


@pytest.mark.parametrize(
    "url", ["/incidents/import/", "/incidents/import/mappings/new/", "/incidents/duty/"]
)
def test_selects_offer_a_translated_empty_choice(cast: Cast, url: str) -> None:
    # Django 6.1's default "- Select an option -" has no Chinese translation.
    chinese = session_client(cast.alice).get(url).content.decode()
    assert "Select an option" not in chinese and "请选择" in chinese
    english = session_client(cast.alice)
    english.cookies["django_language"] = "en"
    assert "Select an option" not in english.get(url).content.decode()
