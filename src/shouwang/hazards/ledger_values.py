"""The values a ledger's cells may hold: words for category, grade and status, dates, numbers
and phone numbers.

Ledgers are typed by hand in many offices: the words are matched after dropping spaces and
case, and a few common variants ("消防", "其它", "已完成") are accepted beside the exact labels.
Dates come as Excel date cells, serial numbers, or text in the usual Chinese forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.datetime import from_excel

from shouwang.cases.choices import CaseState
from shouwang.hazards.choices import HazardCategory, HazardGrade

type Value = object  # what openpyxl or csv hands over for one cell


class LedgerStatus(models.TextChoices):
    """The rectification status a paper ledger records (not the system's case state)."""

    PENDING = "pending", _("待整改")
    RECTIFYING = "rectifying", _("整改中")
    RECTIFIED = "rectified", _("已整改")
    CLOSED = "closed", _("已销号")


def normalise_word(text: str) -> str:
    return re.sub(r"[\s_\-]", "", text).lower()


class _Words(Mapping[str, str]):
    """Normalised word -> value. Besides the listed words, each value's choice label in English
    is accepted, so that a ledger exported in English reads back. Built on first use, when the
    translation catalogues are ready.
    """

    def __init__(self, choices: type[models.TextChoices], table: dict[str, tuple[str, ...]]):
        self._choices = choices
        self._table = table
        self._words: dict[str, str] | None = None

    def _built(self) -> dict[str, str]:
        if self._words is None:
            words = {
                normalise_word(w): value for value, ws in self._table.items() for w in (value, *ws)
            }
            with translation.override("en"):
                for choice in self._choices:
                    words.setdefault(normalise_word(str(choice.label)), choice.value)
            self._words = words
        return self._words

    def __getitem__(self, key: str) -> str:
        return self._built()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


CATEGORY_WORDS = _Words(
    HazardCategory,
    {
        HazardCategory.FIRE: ("消防安全", "消防", "消防隐患"),
        HazardCategory.PRODUCTION: ("安全生产", "生产安全"),
        HazardCategory.PUBLIC_ORDER: ("治安", "治安安全", "治安隐患", "public order"),
        HazardCategory.TRAFFIC: ("交通安全", "交通", "道路交通"),
        HazardCategory.ENVIRONMENT: ("生态环境", "环境", "环保"),
        HazardCategory.OTHER: ("其他", "其它"),
    },
)
GRADE_WORDS = _Words(
    HazardGrade,
    {
        HazardGrade.MAJOR: ("重大", "重大隐患"),
        HazardGrade.SIGNIFICANT: ("较大", "较大隐患"),
        HazardGrade.GENERAL: ("一般", "一般隐患"),
    },
)
STATUS_WORDS = _Words(
    LedgerStatus,
    {
        # The system's own state labels are accepted too, so an export can be re-read.
        LedgerStatus.PENDING: ("待整改", "未整改", "已登记", "已分级"),
        LedgerStatus.RECTIFYING: ("整改中", "正在整改", "in progress"),
        LedgerStatus.RECTIFIED: ("已整改", "待核查", "待验收", "整改完成"),
        LedgerStatus.CLOSED: ("已销号", "销号", "已完成"),
    },
)
# An export writes the case state's label; in English those are not the ledger's words.
with_case_states = {
    CaseState.REGISTERED: LedgerStatus.PENDING,
    CaseState.GRADED: LedgerStatus.PENDING,
    CaseState.ASSIGNED: LedgerStatus.RECTIFYING,
    CaseState.SUBMITTED: LedgerStatus.RECTIFIED,
    CaseState.CLOSED: LedgerStatus.CLOSED,
}


def status_value(text: str) -> str | None:
    """The ledger status a cell names: a ledger word, or a case state label in either language."""
    word = normalise_word(text)
    found = STATUS_WORDS.get(word)
    if found is not None:
        return found
    with translation.override("en"):
        for state, status in with_case_states.items():
            if normalise_word(str(state.label)) == word:
                return status
    return None


_PHONE_SEPARATORS = re.compile(r"[,，;；/、]")
_PHONE_NOISE = re.compile(r"[\s\-—()（）]")
_PHONE = re.compile(
    r"^(?:"
    r"(?:\+?86)?1[3-9]\d{9}"  # mobile, optionally with the country code
    r"|(?:\+?86)?0\d{9,11}"  # landline with its area code
    r"|[48]00\d{7}"  # 400 / 800 service numbers
    r"|\d{7,8}"  # a local number without area code
    r")(?:转\d{1,6})?$"  # an extension
)


def valid_phone(text: str) -> bool:
    """Loosely: every number in the cell looks like a Chinese mobile or landline number."""
    parts = [_PHONE_NOISE.sub("", p) for p in _PHONE_SEPARATORS.split(text)]
    parts = [p for p in parts if p]
    return bool(parts) and all(_PHONE.match(p) for p in parts)


def display(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M" if value.time() != time.min else "%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    return text if len(text) <= 80 else text[:79] + "…"


def text_of(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return display(value)
    return str(value).strip()


_DATE_RE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[\sT]+(\d{1,2})\s*[:：时]\s*(\d{1,2})(?:\s*[:：分]\s*(\d{1,2}))?秒?)?$"
)
_COMPACT_DATE_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def parse_when(value: Value) -> tuple[datetime, bool]:
    """A naive local datetime and whether it carried a time of day. ValueError if not a date."""
    if isinstance(value, datetime):
        moment, timed = value.replace(tzinfo=None), value.time() != time.min
    elif isinstance(value, date):
        moment, timed = datetime.combine(value, time.min), False
    elif isinstance(value, int | float) and not isinstance(value, bool):
        # A date cell that lost its format shows as Excel's serial day number.
        if not 1 <= value < 2958466:
            raise ValueError(value)
        serial = from_excel(value)
        if not isinstance(serial, datetime):
            raise ValueError(value)
        moment, timed = serial, serial.time() != time.min
    elif isinstance(value, str):
        text = value.strip()
        match = _DATE_RE.match(text) or _COMPACT_DATE_RE.match(text)
        if match is None:
            raise ValueError(value)
        parts = [int(p) if p else 0 for p in match.groups()]
        while len(parts) < 6:
            parts.append(0)
        year, month, day, hour, minute, second = parts[:6]
        moment = datetime(year, month, day, hour, minute, second)  # naive; made aware later
        timed = match.lastindex is not None and match.lastindex > 3
    else:
        raise ValueError(value)
    if not 1900 <= moment.year <= 2100:
        raise ValueError(value)
    return moment, timed


def parse_number(value: Value) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        return float(value.strip().rstrip("°").strip())
    raise ValueError(value)
