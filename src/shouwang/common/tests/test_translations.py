"""The English catalogue is complete, its checker catches what it should, and pages speak English.

zh-Hans is the source language, so the pages render Chinese unless the user chose English (the
language cookie that `set_language` writes, or the browser's Accept-Language).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.core.signals import setting_changed
from django.test import Client
from django.utils import translation

from shouwang.cases.actions import do_grade_case
from shouwang.common.management.commands.check_translations import (
    CJK,
    EN_CATALOGUE,
    Entry,
    Key,
    catalogue_problems,
    code_msgids,
    compile_catalogues,
    parse_po,
    sync_problems,
)
from shouwang.common.testing import PASSWORD, POINT_A, Cast
from shouwang.hazards.actions import do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.orgs.models import User


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogues() -> None:
    """Pages can only be English with a current .mo; compile it here if setup has not."""
    if compile_catalogues():
        # A worker may have loaded the catalogues before they existed: the same reset Django
        # performs when a test overrides LOCALE_PATHS.
        setting_changed.send(
            sender=type(settings), setting="LOCALE_PATHS", value=settings.LOCALE_PATHS, enter=True
        )


def catalogue() -> list[Entry]:
    return parse_po(EN_CATALOGUE.read_text(encoding="utf-8"))


# The committed catalogue --------------------------------------------------------------------


def test_the_english_catalogue_has_no_untranslated_fuzzy_or_mismatched_entries() -> None:
    entries = catalogue()
    assert len(entries) > 500
    assert catalogue_problems(entries) == []


def test_the_catalogue_header_declares_english_utf8_and_two_plural_forms() -> None:
    header = next(e for e in catalogue() if e.is_header).msgstrs[0]
    assert "Language: en\n" in header
    assert "charset=UTF-8" in header
    assert "nplurals=2; plural=(n != 1);" in header


def test_plural_entries_have_a_singular_and_a_plural_english_form() -> None:
    plurals = [e for e in catalogue() if e.msgid_plural is not None]
    assert plurals
    for entry in plurals:
        assert len(entry.msgstrs) == 2
        assert entry.msgstrs[0] != entry.msgstrs[1], entry.msgid


def test_the_domain_terms_are_translated_consistently() -> None:
    english = {e.msgid: e.msgstrs[0] for e in catalogue() if not e.is_header}
    assert english["隐患清单"] == "Hazard register"
    assert english["排查行动"] == "Inspection campaigns"
    assert english["整改责任单位"] == "Responsible unit"
    assert english["派出所"] == "Police station"
    assert english["化解率"] == "Resolution rate"
    assert english["时限规则"] == "SLA rules"
    assert [english[g] for g in ("重大", "较大", "一般")] == ["Major", "Significant", "General"]


def test_the_committed_catalogue_matches_the_code() -> None:
    call_command("check_translations")


# The checker --------------------------------------------------------------------------------


def test_parse_po_reads_flags_continuation_lines_plurals_and_escapes() -> None:
    text = (
        'msgid ""\nmsgstr ""\n"Language: en\\n"\n\n'
        "#: a.py:1\n#, fuzzy, python-format\n"
        'msgid "共 %(n)s 条"\nmsgid_plural "共 %(n)s 条"\n'
        'msgstr[0] "%(n)s "\n"item"\nmsgstr[1] "%(n)s items"\n\n'
        'msgctxt "button"\nmsgid "说\\"明\\""\nmsgstr "Say \\"it\\""\n\n'
        '#~ msgid "旧"\n#~ msgstr "Old"\n'
    )
    header, plural, quoted = parse_po(text)
    assert header.is_header and header.msgstrs == ["Language: en\n"]
    assert plural.flags == {"fuzzy", "python-format"}
    assert plural.references == ["a.py:1"]
    assert plural.msgstrs == ["%(n)s item", "%(n)s items"]
    assert plural.line == 7
    assert (quoted.msgctxt, quoted.msgid, quoted.msgstrs) == ("button", '说"明"', ['Say "it"'])


def test_it_reports_untranslated_fuzzy_and_still_chinese_entries() -> None:
    entries = [
        Entry(line=3, msgid="登记", msgstrs=[""]),
        Entry(line=6, msgid="分级", msgstrs=["Grade"], flags={"fuzzy"}),
        Entry(line=9, msgid="交办", msgstrs=["交办 (assign)"]),
        Entry(line=12, msgid="周", msgid_plural="周", msgstrs=["week"]),
    ]
    problems = catalogue_problems(entries, "en.po")
    assert problems == [
        "en.po:3: msgid '登记' is untranslated",
        "en.po:6: msgid '分级' is marked fuzzy",
        "en.po:9: msgid '交办' still has Chinese in English",
        "en.po:12: msgid '周' is untranslated",
    ]


def test_it_reports_placeholders_that_differ_from_the_msgid() -> None:
    entries = [
        Entry(line=1, msgid="已上报%(unit)s", msgstrs=["Escalated to %(units)s"]),
        Entry(
            line=2,
            msgid="第 %(row)d 行 %(col)s 列",
            msgstrs=["Row %(row)s"],
            flags={"python-format"},
        ),
        Entry(line=3, msgid="%d 条", msgstrs=["%s items"], flags={"python-format"}),
        Entry(line=4, msgid="比率 %(rate)s%%", msgstrs=["Rate %(rate)s%"], flags={"python-format"}),
        Entry(line=5, msgid="共 {n} 条", msgstrs=["{count} in all"]),
    ]
    problems = catalogue_problems(entries)
    assert [p.split(":")[1] for p in problems] == ["1", "2", "3", "4", "5"]
    assert "['%(unit)s'] but msgstr[0] has ['%(units)s']" in problems[0]
    assert "['%(col)s', '%(row)d']" in problems[1]


def test_it_accepts_reordered_placeholders_and_literal_percent_outside_python_format() -> None:
    entries = [
        Entry(
            line=1,
            msgid="“%(name)s”中有 %(n)s 处错误",
            msgid_plural="“%(name)s”中有 %(n)s 处错误",
            msgstrs=["%(n)s error in “%(name)s”", "%(n)s errors in “%(name)s”"],
            flags={"python-format"},
        ),
        Entry(line=2, msgid="完成率 100%", msgstrs=["100% complete"]),
    ]
    assert catalogue_problems(entries) == []


def test_it_reports_msgids_missing_from_the_catalogue_and_ones_the_code_dropped() -> None:
    code: dict[Key, str] = {
        (None, "登记", None): "cases/choices.py:21",
        (None, "新字符串", None): "x/views.py:9",
    }
    entries = [
        Entry(line=2, msgid="登记", msgstrs=["Registration"]),
        Entry(line=5, msgid="已删除", msgstrs=["Removed"]),
    ]
    assert sync_problems(code, entries) == [
        "x/views.py:9: msgid '新字符串' is missing from the English catalogue",
        "django.po:5: msgid '已删除' is no longer used by the code",
    ]


def test_it_extracts_msgids_from_python_and_templates_but_not_tests(tmp_path: Path) -> None:
    package = tmp_path / "pkg"
    (package / "app" / "templates").mkdir(parents=True)
    (package / "app" / "tests").mkdir()
    (package / "app" / "views.py").write_text(
        "from django.utils.translation import gettext as _\nTITLE = _('隐患地图')\n",
        encoding="utf-8",
    )
    (package / "app" / "templates" / "page.html").write_text(
        "{% load i18n %}<h1>{% translate '单位看板' %}</h1>"
        "{% blocktranslate count n=k %}{{ n }} 周{% plural %}{{ n }} 周{% endblocktranslate %}",
        encoding="utf-8",
    )
    (package / "app" / "tests" / "test_x.py").write_text(
        "from django.utils.translation import gettext as _\n_('测试专用')\n", encoding="utf-8"
    )
    found = code_msgids(package)
    assert set(found) == {
        (None, "隐患地图", None),
        (None, "单位看板", None),
        (None, "%(n)s 周", "%(n)s 周"),
    }
    assert found[(None, "隐患地图", None)] == "app/views.py:2"


def test_the_command_fails_and_lists_the_problems(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "django.po"
    broken.write_text(
        EN_CATALOGUE.read_text(encoding="utf-8").replace(
            'msgstr "Hazard register"', 'msgstr ""', 1
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(
        "shouwang.common.management.commands.check_translations.EN_CATALOGUE", broken
    )
    with pytest.raises(CommandError, match="1 translation problem"):
        call_command("check_translations", catalogue_only=True)
    assert "msgid '隐患清单' is untranslated" in capsys.readouterr().err


# Pages in English ---------------------------------------------------------------------------


class _Chrome(HTMLParser):
    """The text of the page's own furniture: navigation, headings, table heads, labels, buttons.

    Options of a select and everything under <td> are data (unit names, titles), so skipped.
    """

    CHROME = {"nav", "h1", "h2", "th", "label", "button", "legend", "summary", "title"}
    DATA = {"option", "select", "td", "script", "style", "textarea"}

    def __init__(self) -> None:
        super().__init__()
        self.depth = {"chrome": 0, "data": 0}
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.CHROME:
            self.depth["chrome"] += 1
        elif tag in self.DATA:
            self.depth["data"] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.CHROME:
            self.depth["chrome"] -= 1
        elif tag in self.DATA:
            self.depth["data"] -= 1

    def handle_data(self, data: str) -> None:
        if self.depth["chrome"] and not self.depth["data"] and data.strip():
            self.parts.append(data.strip())


def chrome_text(html: str, data: list[str]) -> str:
    parser = _Chrome()
    parser.feed(html)
    text = " | ".join(parser.parts)
    for value in sorted(data, key=len, reverse=True):
        text = text.replace(value, "")
    return text


def nav_text(html: str) -> str:
    match = re.search(r'<nav class="mainnav".*?</nav>', html, re.S)
    assert match, "the main navigation is missing"
    return re.sub(r"<[^>]+>", " ", match.group(0))


def english_client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def cast_data(cast: Cast) -> list[str]:
    """Names in the cast that are data, shown as they were entered whatever the language."""
    units = [cast.city, cast.district_a, cast.station_a, cast.community_a, cast.grid_a]
    units += [cast.district_b, cast.station_b, cast.grid_b]
    return [u.name for u in units] + [cast.company.name, cast.other_company.name]


def graded_hazard(cast: Cast) -> None:
    hazard = do_register_hazard(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)


def assert_english(html: str, data: list[str], *words: str) -> None:
    chrome = chrome_text(html, data)
    assert not CJK.search(chrome), f"Chinese left in the page furniture: {chrome}"
    assert not CJK.search(nav_text(html)), nav_text(html)
    for word in words:
        assert word in html


def test_the_hazard_register_renders_in_english(cast: Cast) -> None:
    graded_hazard(cast)
    response = english_client(cast.alice).get("/hazards/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en"' in html
    assert_english(
        html, cast_data(cast), "Hazard register", "Inspection campaigns", "Sign out", "Major"
    )
    assert "消防通道堵塞" in html  # the hazard's own title is data and stays as entered


def test_the_unit_dashboard_renders_in_english(cast: Cast) -> None:
    graded_hazard(cast)
    response = english_client(cast.alice).get("/hazards/dashboard/")
    assert response.status_code == 200
    assert_english(
        response.content.decode(),
        cast_data(cast),
        "Unit dashboard",
        "Resolution rate",
        "Median time to close",
    )


def test_the_registration_page_renders_in_english_for_a_grid_worker(cast: Cast) -> None:
    response = english_client(cast.bob).get("/hazards/new/")
    assert response.status_code == 200
    assert_english(
        response.content.decode(), cast_data(cast), "Register hazard", "Fire safety", "Location"
    )


def test_the_audit_log_renders_in_english_for_the_auditor(cast: Cast) -> None:
    graded_hazard(cast)
    response = english_client(cast.frank).get("/audit/")
    assert response.status_code == 200
    assert_english(response.content.decode(), cast_data(cast), "Audit log", "Actor", "Purpose")


def test_the_browser_language_alone_selects_english(cast: Cast) -> None:
    client = Client(headers={"accept-language": "en-GB,en;q=0.9"})
    assert client.login(username="alice", password=PASSWORD)
    html = client.get("/hazards/").content.decode()
    assert "Hazard register" in nav_text(html)


def test_chinese_stays_the_default_language(cast: Cast) -> None:
    client = Client()
    assert client.login(username="alice", password=PASSWORD)
    html = client.get("/hazards/").content.decode()
    assert "隐患清单" in nav_text(html)
    assert "Hazard register" not in html


def test_choice_labels_and_messages_translate_outside_requests() -> None:
    with translation.override("en"):
        assert str(HazardCategory.FIRE.label) == "Fire safety"
        assert translation.gettext("已登记隐患 %(reference)s:%(title)s") % {
            "reference": "H-1",
            "title": "x",
        } == ("Hazard H-1 registered: x")
