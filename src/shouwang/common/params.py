"""Reading query parameters that the filters of every list share."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from pydantic import AfterValidator, BeforeValidator, GetJsonSchemaHandler, WithJsonSchema
from pydantic_core import CoreSchema


def split_multi(value: object) -> object:
    """A multi-valued parameter as a list: `?grade=a&grade=b` and `?grade=a,b` alike; the empty
    values a form's "any" option sends are dropped. Anything else is left to validation."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list):
        return [v for item in value for v in str(item).split(",") if v]
    return value


_ISO_DATE = re.compile(r"\s*\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    """Dates and times only as ISO 8601 text (or values already parsed): pydantic would read a
    bare number such as 0 as seconds since 1970, a wrong filter or deadline instead of an error."""
    if (isinstance(value, str) and _ISO_DATE.match(value)) or isinstance(value, date):
        return value
    if value is None:
        return value
    raise ValueError(
        _("须为 ISO 8601 格式的日期或时间,如 2026-11-24 或 2026-11-24T09:30:00+08:00。")
    )


# Dates a record can carry. Far outside them, turning a day into local midnight and then into
# UTC (as every date filter does) leaves the range Python's datetime has, a server error.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def plausible(value: date) -> bool:
    """Whether a date (or time) lies in the years a record can carry."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def _plausible(value: date) -> date:
    if not plausible(value):
        raise ValueError(
            _("年份须在 %(first)d 至 %(last)d 之间。") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    return value


def _local_if_naive(value: datetime) -> datetime:
    # A time without an offset is read in the server's time zone (Asia/Shanghai by default).
    return timezone.make_aware(value) if timezone.is_naive(value) else value


IsoDate = Annotated[date, BeforeValidator(_iso_only), AfterValidator(_plausible)]
IsoDateTime = Annotated[
    datetime,
    BeforeValidator(_iso_only),
    AfterValidator(_plausible),
    AfterValidator(_local_if_naive),
]


def iso_date(text: str) -> date | None:
    """A date typed as ISO 8601 text (a page's or a form's field); None when it is not one or
    its year is not plausible."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if plausible(day) else None


def iso_datetime(text: str) -> datetime | None:
    """A time typed as ISO 8601 text (a space for the T is fine), read in the server's time
    zone when it has no offset; None when it is not one, names a day that does not exist
    (2026-02-30: Django's parser raises there) or its year is not plausible."""
    try:
        moment = parse_datetime(text.strip())
    except ValueError:
        return None
    if moment is None or not plausible(moment):
        return None
    return _local_if_naive(moment)


def _blank_to_none(value: object) -> object:
    return None if value == "" else value


# A list filter's date: a form's empty field means no limit, which the document says too.
FilterDate = Annotated[
    IsoDate | None,
    BeforeValidator(_blank_to_none),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {"type": "string", "maxLength": 0},
                {"type": "null"},
            ]
        }
    ),
]


class _BlankItemsAllowed:
    """The document says what the filter takes: the empty value a form's "any" option sends
    is allowed, and dropped (``split_multi``)."""

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema: dict[str, Any] = handler(core_schema)
        if "items" in schema:
            schema["items"] = {"anyOf": [schema["items"], {"type": "string", "maxLength": 0}]}
        return schema


T = TypeVar("T")

# A list filter's multi-valued parameter: ``?state=a&state=b`` or ``?state=a,b``.
FilterList = Annotated[list[T], BeforeValidator(split_multi), _BlankItemsAllowed()]

# A list filter's yes/no: a form's empty "any" means no condition.
FilterBool = Annotated[
    bool | None,
    BeforeValidator(_blank_to_none),
    WithJsonSchema(
        {"anyOf": [{"type": "boolean"}, {"type": "string", "maxLength": 0}, {"type": "null"}]}
    ),
]
