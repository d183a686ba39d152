from django.contrib.staticfiles import finders
from django.test import Client

from shouwang.common.testing import Cast


def page_as(user: object, language: str) -> str:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    client.cookies["django_language"] = language
    return client.get("/hazards/").content.decode()


def test_each_language_is_named_in_itself(cast: Cast) -> None:
    # A reader who cannot read the page's language still finds their own in the menu.
    for language in ("zh-hans", "en"):
        html = page_as(cast.alice, language)
        assert '<option value="en" lang="en"' in html and ">English</option>" in html
        assert ">简体中文</option>" in html
        assert "英语" not in html


def test_map_zoom_buttons_are_named_in_the_page_language(cast: Cast) -> None:
    assert 'data-zoom-in="放大" data-zoom-out="缩小"' in page_as(cast.alice, "zh-hans")
    assert 'data-zoom-in="Zoom in" data-zoom-out="Zoom out"' in page_as(cast.alice, "en")


def test_favicon_ico_leads_to_the_pages_icon(db: None) -> None:
    # An evidence photo opened on its own has no <link rel=icon>; the browser asks here.
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")
    assert finders.find("favicon.svg") is not None
