"""The premises select stays small however many premises a city registers, and its search box
finds the others, within the user's jurisdiction (and a campaign's unchecked ones)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from shouwang.common.search_select import SHOWN
from shouwang.common.testing import Cast
from shouwang.hazards.actions import do_create_campaign, do_create_premises
from shouwang.hazards.choices import PremisesType
from shouwang.hazards.models import Hazard, Premises
from shouwang.orgs.models import User

pytestmark = pytest.mark.django_db
OPTIONS = reverse("hazards:premises-options")


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _options(html: str, name: str = "premises") -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None
    return re.findall(r'<option value="(\d*)"', select.group(0))


@pytest.fixture
def many(cast: Cast) -> list[Premises]:
    """More premises in station A than the select shows, the last with an address to find."""
    made = [
        do_create_premises(actor=cast.alice, name=f"东门商铺{i:03d}", type="shop", unit=cast.grid_a)
        for i in range(SHOWN + 10)
    ]
    made.append(
        do_create_premises(
            actor=cast.alice, name="自建房", type="rental", unit=cast.grid_a, address="东门路88号"
        )
    )
    return made


def test_the_register_form_shows_the_first_premises_and_keeps_the_chosen_one(
    cast: Cast, many: list[Premises]
) -> None:
    alice = _client(cast.alice)
    page = alice.get(reverse("hazards:hazard-register")).content.decode()
    assert len(_options(page)) == SHOWN + 1  # "none" and the first ones, not all of them
    assert 'name="q"' in page and f'hx-get="{OPTIONS}"' in page
    last = many[-1]
    assert str(last.pk) not in _options(page)
    # One past the first ones is taken, and stays chosen when the form comes back with errors.
    refused = alice.post(reverse("hazards:hazard-register"), {"premises": last.pk, "title": ""})
    assert refused.status_code == 422
    assert f'<option value="{last.pk}" selected>自建房 · 东门路88号</option>' in (
        refused.content.decode()
    )
    saved = alice.post(
        reverse("hazards:hazard-register"),
        {"premises": last.pk, "title": "楼道堆物", "category": "fire", "description": "堵塞",
         "unit": cast.grid_a.pk, "address": "东门路88号", "q": "自建"},
    )  # fmt: skip
    assert saved.status_code == 302, saved.context["form"].errors
    assert Hazard.objects.get().premises == last


def test_the_search_finds_by_name_or_address_within_the_jurisdiction(
    cast: Cast, many: list[Premises]
) -> None:
    found = _client(cast.alice).get(OPTIONS, {"q": "东门路"})
    html = found.content.decode()
    assert re.findall(r'<option value="(\d*)"', html) == ["", str(many[-1].pk)]
    assert '<option value="">不关联场所</option>' in html
    chosen = {"q": "商铺059", "name": "premises", "premises": str(many[0].pk)}
    by_name = _client(cast.alice).get(OPTIONS, chosen)
    chosen_first = re.findall(r'<option value="(\d*)"', by_name.content.decode())
    assert chosen_first == ["", str(many[0].pk), str(many[59].pk)]  # the chosen one is kept
    assert f'<option value="{many[0].pk}" selected>' in by_name.content.decode()
    # The other station's chief finds none of them, by any words.
    other = _client(cast.charlie).get(OPTIONS, {**chosen, "q": "东门"})
    assert re.findall(r'<option value="(\d+)"', other.content.decode()) == []
    assert "没有匹配的选项" in other.content.decode()


def test_a_campaign_s_search_offers_its_unchecked_premises_only_to_its_side(
    cast: Cast, many: list[Premises]
) -> None:
    campaign = do_create_campaign(
        actor=cast.alice,
        name="出租房排查",
        unit=cast.station_a,
        scope_units=[cast.station_a],
        premises_types=[PremisesType.RENTAL],
        starts_on=date(2026, 1, 1),
        ends_on=date(2099, 12, 31),
    )
    ours = _client(cast.alice).get(OPTIONS, {"campaign": str(campaign.pk), "q": ""})
    assert re.findall(r'<option value="(\d+)"', ours.content.decode()) == [str(many[-1].pk)]
    # Another station's campaign is not found, as its page is not.
    assert _client(cast.charlie).get(OPTIONS, {"campaign": str(campaign.pk)}).status_code == 404
    for bad in ("x", "99999999999999999999999"):
        assert _client(cast.alice).get(OPTIONS, {"campaign": bad}).status_code == 404
    page = _client(cast.alice).get(reverse("hazards:campaign-detail", args=[campaign.pk]))
    assert f'hx-get="{OPTIONS}?campaign={campaign.pk}"' in page.content.decode()


def test_the_assignment_searches_companies_units_and_officers_of_the_jurisdiction(
    cast: Cast,
) -> None:
    url = reverse("hazards:assign-options", args=["organisation"])
    ours = _client(cast.alice).get(url, {"q": cast.company.name[:2]}).content.decode()
    assert f'<option value="{cast.company.pk}">' in ours
    theirs = _client(cast.charlie).get(url, {"q": cast.company.name}).content.decode()
    assert f'value="{cast.company.pk}"' not in theirs
    officers = reverse("hazards:assign-options", args=["user"])
    found = _client(cast.alice).get(officers, {"q": "bob"}).content.decode()
    assert f'<option value="{cast.bob.pk}">' in found
    assert (
        f'value="{cast.bob.pk}"'
        not in _client(cast.charlie).get(officers, {"q": "bob"}).content.decode()
    )
    grids = _client(cast.alice).get(reverse("hazards:register-grids"), {"q": cast.grid_a.code})
    assert f'value="{cast.grid_a.pk}"' in grids.content.decode()
    for name in ("premises", "nothing"):
        missing = reverse("hazards:assign-options", args=[name])
        assert _client(cast.alice).get(missing).status_code == 404
    # Police only: a company's staff and the partner desks find nothing here.
    for outsider in (cast.erin, cast.dora):
        for address in (url, OPTIONS, reverse("hazards:register-grids")):
            assert _client(outsider).get(address).status_code == 404
