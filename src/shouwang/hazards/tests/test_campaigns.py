from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from shouwang.audit.models import AuditEvent
from shouwang.common.testing import Cast
from shouwang.hazards import stats
from shouwang.hazards.actions import (
    do_create_campaign,
    do_create_premises,
    do_record_check,
    do_register_hazard,
)
from shouwang.hazards.choices import CheckResult, HazardCategory, PremisesType
from shouwang.hazards.models import Campaign, CampaignCheck, Premises
from shouwang.orgs.models import User


@dataclass
class Scene:
    campaign: Campaign
    shops: list[Premises]
    restaurant: Premises
    west_shop: Premises


@pytest.fixture
def scene(cast: Cast) -> Scene:
    """Alice's campaign covers shops in station A: three shops (one ok, one with a hazard,
    one unchecked); a restaurant in A and a shop in B are out of scope."""
    shops = [
        do_create_premises(actor=cast.alice, name=f"东门商铺{i}", type="shop", unit=cast.grid_a)
        for i in (1, 2, 3)
    ]
    restaurant = do_create_premises(
        actor=cast.alice, name="东门饭店", type="restaurant", unit=cast.grid_a
    )
    west_shop = do_create_premises(
        actor=cast.charlie, name="西门商铺", type="shop", unit=cast.grid_b
    )
    campaign = do_create_campaign(
        actor=cast.alice,
        name="沿街商铺消防排查",
        unit=cast.station_a,
        scope_units=[cast.station_a],
        premises_types=[PremisesType.SHOP],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    do_record_check(campaign, premises=shops[0], result=CheckResult.OK, actor=cast.bob)
    do_record_check(campaign, premises=shops[1], result=CheckResult.HAZARDS, actor=cast.bob)
    do_register_hazard(
        actor=cast.bob,
        title="插线板串接",
        category=HazardCategory.FIRE,
        description="收银台下插线板串接使用",
        premises=shops[1],
        campaign=campaign,
        address="东门路 2 号",
    )
    return Scene(campaign=campaign, shops=shops, restaurant=restaurant, west_shop=west_shop)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def detail_url(campaign: Campaign) -> str:
    return reverse("hazards:campaign-detail", args=[campaign.pk])


def check_url(campaign: Campaign) -> str:
    return reverse("hazards:campaign-check", args=[campaign.pk])


# --- progress -------------------------------------------------------------------------------


def test_it_counts_premises_in_scope_checked_and_found(cast: Cast, scene: Scene):
    progress = stats.campaign_progress(scene.campaign, cast.alice)
    assert (progress.premises, progress.checked, progress.rate) == (3, 2, 66.7)
    assert progress.results == [
        ("ok", "未发现隐患", 1),
        ("hazards", "发现隐患", 1),
        ("closed", "停业/无法检查", 0),
    ]
    assert (progress.hazards, progress.hazards_open, progress.hazards_closed) == (1, 1, 0)


def test_it_splits_a_single_scope_unit_into_its_children(cast: Cast, scene: Scene):
    rows = stats.campaign_progress(scene.campaign, cast.alice).rows
    assert [(r.unit, r.premises, r.checked, r.hazards, r.rate) for r in rows] == [
        (cast.community_a, 3, 2, 1, 66.7)
    ]


def test_it_takes_every_premises_type_when_none_is_listed(cast: Cast, scene: Scene):
    campaign = do_create_campaign(
        actor=cast.alice,
        name="全面排查",
        unit=cast.station_a,
        scope_units=[cast.grid_a],
        premises_types=[],
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
    )
    progress = stats.campaign_progress(campaign, cast.alice)
    assert (progress.premises, progress.checked, progress.rate) == (4, 0, 0.0)


def test_it_lists_only_unchecked_premises_in_scope(cast: Cast, scene: Scene):
    unchecked = list(stats.unchecked_premises(scene.campaign, cast.bob))
    assert unchecked == [scene.shops[2]]


# --- list ---------------------------------------------------------------------------------


def test_the_list_sends_anonymous_visitors_to_log_in(cast: Cast):
    response = Client().get(reverse("hazards:campaign-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_list_is_not_found_for_a_partner_desk(cast: Cast):
    assert client_for(cast.dora).get(reverse("hazards:campaign-list")).status_code == 404


def test_the_list_shows_campaigns_to_the_organiser_and_the_units_they_cover(
    cast: Cast, scene: Scene
):
    for user in (cast.alice, cast.bob, cast.frank):
        response = client_for(user).get(reverse("hazards:campaign-list"))
        assert response.status_code == 200
        assert "沿街商铺消防排查" in response.content.decode(), user


def test_the_list_hides_campaigns_of_other_jurisdictions(cast: Cast, scene: Scene):
    response = client_for(cast.charlie).get(reverse("hazards:campaign-list"))
    assert response.status_code == 200
    assert "沿街商铺消防排查" not in response.content.decode()


# --- detail -------------------------------------------------------------------------------


def test_the_detail_sends_anonymous_visitors_to_log_in(cast: Cast, scene: Scene):
    assert Client().get(detail_url(scene.campaign)).status_code == 302


@pytest.mark.parametrize("name", ["charlie", "dora", "erin"])
def test_the_detail_rejects_other_jurisdiction_and_outside_parties(
    cast: Cast, scene: Scene, name: str
):
    assert client_for(getattr(cast, name)).get(detail_url(scene.campaign)).status_code == 404


def test_the_detail_shows_progress_hazards_and_the_register_link(cast: Cast, scene: Scene):
    response = client_for(cast.bob).get(detail_url(scene.campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "66.7%" in html
    hazard = scene.campaign.hazards.get()
    assert reverse("hazards:hazard-detail", args=[hazard.pk]) in html
    assert f"?campaign={scene.campaign.pk}&amp;premises={scene.shops[2].pk}" in html
    # Checked premises are not offered again.
    assert f'premises={scene.shops[0].pk}"' not in html
    assert list(response.context["check_form"].fields["premises"].queryset) == [scene.shops[2]]


def test_the_detail_offers_no_check_form_to_an_auditor(cast: Cast, scene: Scene):
    response = client_for(cast.frank).get(detail_url(scene.campaign))
    assert response.status_code == 200
    assert response.context["check_form"] is None


# --- create -------------------------------------------------------------------------------


def campaign_post(cast: Cast, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "name": "出租房屋专项排查",
        "unit": cast.station_a.pk,
        "scope_units": [cast.community_a.pk],
        "premises_types": ["rental", "hotel"],
        "starts_on": "2026-04-01",
        "ends_on": "2026-04-30",
        "description": "重点检查消防设施",
    }
    data.update(overrides)
    return data


def test_creating_needs_the_campaign_capability(cast: Cast):
    client = client_for(cast.bob)
    assert client.get(reverse("hazards:campaign-create")).status_code == 404
    assert client.post(reverse("hazards:campaign-create"), campaign_post(cast)).status_code == 404
    assert not Campaign.objects.exists()


def test_the_create_form_offers_only_units_in_the_users_subtree(cast: Cast):
    response = client_for(cast.alice).get(reverse("hazards:campaign-create"))
    assert response.status_code == 200
    form = response.context["form"]
    assert cast.station_b not in form.fields["scope_units"].queryset
    assert cast.grid_a in form.fields["scope_units"].queryset
    assert cast.grid_a not in form.fields["unit"].queryset  # grids do not organise campaigns


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_create_form_starts_today_in_a_date_the_browser_reads(cast: Cast, language: str):
    """An <input type="date"> ignores 2026/03/04, the Chinese input format."""
    client = client_for(cast.alice)
    client.cookies["django_language"] = language
    with time_machine.travel(datetime(2026, 3, 4, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))):
        response = client.get(reverse("hazards:campaign-create"))
    assert 'type="date" name="starts_on" value="2026-03-04"' in response.content.decode()


def test_it_creates_a_campaign(cast: Cast):
    response = client_for(cast.alice).post(reverse("hazards:campaign-create"), campaign_post(cast))
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(campaign)
    assert campaign.unit == cast.station_a
    assert list(campaign.scope_units.all()) == [cast.community_a]
    assert campaign.premises_types == ["rental", "hotel"]
    assert campaign.created_by == cast.alice
    assert AuditEvent.objects.filter(action="campaign.create").count() == 1


def test_it_names_the_field_when_the_dates_are_reversed(cast: Cast):
    response = client_for(cast.alice).post(
        reverse("hazards:campaign-create"), campaign_post(cast, ends_on="2026-03-01")
    )
    assert response.status_code == 400
    assert response.context["form"].errors["ends_on"] == ["结束日期不能早于开始日期。"]
    assert not Campaign.objects.exists()


def test_it_refuses_a_scope_unit_of_another_jurisdiction(cast: Cast):
    response = client_for(cast.alice).post(
        reverse("hazards:campaign-create"), campaign_post(cast, scope_units=[cast.station_b.pk])
    )
    assert response.status_code == 400
    assert "scope_units" in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_it_refuses_a_scope_outside_the_organising_unit(cast: Cast):
    response = client_for(cast.admin).post(
        reverse("hazards:campaign-create"),
        campaign_post(cast, unit=cast.station_a.pk, scope_units=[cast.grid_b.pk]),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["scope_units"] == ["排查范围必须在组织单位辖区内。"]
    assert not Campaign.objects.exists()


# --- check --------------------------------------------------------------------------------


def test_it_records_a_check(cast: Cast, scene: Scene):
    response = client_for(cast.bob).post(
        check_url(scene.campaign),
        {"premises": scene.shops[2].pk, "result": "closed", "note": "门店停业装修"},
    )
    assert response.status_code == 302
    check = CampaignCheck.objects.get(campaign=scene.campaign, premises=scene.shops[2])
    assert (check.result, check.note, check.checked_by) == ("closed", "门店停业装修", cast.bob)
    assert stats.campaign_progress(scene.campaign, cast.alice).rate == 100.0


def test_it_does_not_record_a_premises_twice(cast: Cast, scene: Scene):
    response = client_for(cast.bob).post(
        check_url(scene.campaign), {"premises": scene.shops[0].pk, "result": "ok"}
    )
    assert response.status_code == 400
    assert "premises" in response.context["check_form"].errors
    assert CampaignCheck.objects.filter(campaign=scene.campaign).count() == 2


def test_it_refuses_a_premises_outside_the_campaign_scope(cast: Cast, scene: Scene):
    response = client_for(cast.alice).post(
        check_url(scene.campaign), {"premises": scene.restaurant.pk, "result": "ok"}
    )
    assert response.status_code == 400
    assert CampaignCheck.objects.filter(premises=scene.restaurant).count() == 0


def test_it_names_a_missing_result(cast: Cast, scene: Scene):
    response = client_for(cast.bob).post(check_url(scene.campaign), {"premises": scene.shops[2].pk})
    assert response.status_code == 400
    assert "result" in response.context["check_form"].errors


def test_checking_rejects_other_jurisdiction(cast: Cast, scene: Scene):
    response = client_for(cast.charlie).post(
        check_url(scene.campaign), {"premises": scene.west_shop.pk, "result": "ok"}
    )
    assert response.status_code == 404
    assert CampaignCheck.objects.filter(premises=scene.west_shop).count() == 0


def test_checking_is_not_open_to_an_auditor(cast: Cast, scene: Scene):
    response = client_for(cast.frank).post(
        check_url(scene.campaign), {"premises": scene.shops[2].pk, "result": "ok"}
    )
    assert response.status_code == 404
    assert CampaignCheck.objects.filter(campaign=scene.campaign).count() == 2
