"""The navigation bar: a user who reaches one part of the platform sees its links side by
side; one who reaches several sees a menu per part, the current page's part marked."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from shouwang.common.navigation import navigation_for
from shouwang.common.testing import PASSWORD, Cast

pytestmark = pytest.mark.django_db


def nav_html(user_name: str, path: str) -> str:
    client = Client()
    assert client.login(username=user_name, password=PASSWORD)
    html = client.get(path).content.decode()
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert match
    return match.group(0)


def test_a_bank_desk_sees_its_two_pages_side_by_side(cast: Cast) -> None:
    with translation.override("zh-hans"):
        groups = navigation_for(cast.dora, None)
        assert [[str(link.label) for link in g.links] for g in groups] == [["协查请求", "黑名单"]]
    html = nav_html("dora", reverse("antifraud:desk"))
    assert "<details" not in html
    assert f'<a href="{reverse("antifraud:desk")}" class="active" aria-current="page">' in html
    assert reverse("hazards:hazard-list") not in html and reverse("audit:event-list") not in html


def test_an_administrator_sees_one_menu_per_part_with_the_current_one_marked(cast: Cast) -> None:
    with translation.override("zh-hans"):
        labels = [str(g.label) for g in navigation_for(cast.admin, None)]
    assert labels == ["隐患治理", "反诈中心", "警情研判", "系统管理"]
    html = nav_html("admin", reverse("antifraud:report-list"))
    assert html.count("<details") == 4
    active = re.findall(r'<details class="navgroup active">\s*<summary>([^<]+)</summary>', html)
    assert active == ["反诈中心"]
    # Every page of every part is still one click away inside its menu.
    for view in ("incidents:patrol", "cases:sla-list", "fraud_warning:rule-list"):
        assert f'href="{reverse(view)}"' in html


def test_outside_parties_and_police_see_their_own_links(cast: Cast) -> None:
    def views(user: object) -> set[str]:
        return {link.url for g in navigation_for(user, None) for link in g.links}  # type: ignore[arg-type]

    assert reverse("hazards:assigned-list") in views(cast.erin)
    assert reverse("hazards:hazard-register") not in views(cast.erin)
    assert reverse("hazards:hazard-register") in views(cast.alice)
    assert reverse("hazards:assigned-list") not in views(cast.alice)
    assert reverse("antifraud:desk") not in views(cast.alice)
