"""The blocklist: indicators confirmed as used in fraud. Partners look values up and download
the part they act on; every export is audited.

Most values looked up are unknown, so a lookup first asks an in-process index of every known
indicator (`KnownIndex`, below): a value it has never seen is answered without touching the
database; a value it may have seen is read from the database as before."""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max, QuerySet
from django.http import StreamingHttpResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from shouwang.antifraud.choices import IndicatorKind
from shouwang.antifraud.kind import FRAUD_KIND
from shouwang.antifraud.models import Indicator, ReportIndicator
from shouwang.antifraud.normalise import guess_kind, normalise
from shouwang.audit.log import record
from shouwang.common.errors import NotPermitted
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.roles import Cap

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from shouwang.orgs.models import User

logger = logging.getLogger(__name__)

# The kinds each kind of partner acts on: a carrier blocks numbers, a bank freezes accounts.
PARTNER_KINDS: dict[str, tuple[str, ...]] = {
    OrganisationKind.CARRIER: (IndicatorKind.PHONE,),
    OrganisationKind.BANK: (IndicatorKind.BANK_CARD, IndicatorKind.BANK_ACCOUNT),
    OrganisationKind.PAYMENT: (IndicatorKind.ALIPAY, IndicatorKind.WECHAT_PAY),
    OrganisationKind.REGISTRAR: (IndicatorKind.DOMAIN, IndicatorKind.APP, IndicatorKind.SOCIAL),
}
MAX_REFERENCES = 20


@dataclass
class LookupResult:
    kind: str
    value: str
    known: bool
    confirmed: bool = False
    report_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    confirmed_at: datetime | None = None
    references: list[str] = field(default_factory=list)


def kinds_for(user: User) -> tuple[str, ...]:
    if user.is_outside_party:
        org = user.organisation
        return PARTNER_KINDS.get(org.kind, ()) if org is not None else ()
    return tuple(IndicatorKind.values)


def lookup(user: User, value: str, kind: str | None = None) -> LookupResult:
    """Is this value known from reports, is it on the blocklist, and in which cases?"""
    if not user.can(Cap.BLOCKLIST_LOOKUP):
        raise NotPermitted("blocklist.lookup")
    kind = kind or guess_kind(value)
    if kind is None:
        raise ValidationError({"kind": _("无法判断线索类型,请指定类型。")})
    normalised = normalise(kind, value).value
    in_index = KNOWN.may_contain(kind, normalised) if index_usable() else None
    if in_index is False:
        return LookupResult(kind=kind, value=normalised, known=False)
    result = _read(kind, normalised)
    if user.is_outside_party:
        # A partner desk acts on the requests addressed to it; the police's case references
        # are not for it (how many reports name the value is).
        result.references = []
    return result


# The indicator and its latest references in one statement: a join to the report links, newest
# first, one row per reference (one row with no reference when it has none). Written out rather
# than built by the ORM, whose compiling costs more than the database's answer (0.3 ms against
# 1.1 ms a lookup, measured at ten million indicators).
_READ = (
    "SELECT i.report_count, i.first_seen, i.last_seen, i.confirmed_at, r.report_id "
    "FROM {indicator} i LEFT JOIN {link} r ON r.indicator_id = i.id "
    "WHERE i.kind = %s AND i.value = %s ORDER BY r.report_id DESC LIMIT %s"
)


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """PostgreSQL hands back aware datetimes; SQLite, the naive UTC that Django stored."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    return parsed.replace(tzinfo=UTC) if parsed and parsed.tzinfo is None else parsed


def _read(kind: str, normalised: str) -> LookupResult:
    sql = _READ.format(
        indicator=connection.ops.quote_name(Indicator._meta.db_table),
        link=connection.ops.quote_name(ReportIndicator._meta.db_table),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [kind, normalised, MAX_REFERENCES])
        rows = cursor.fetchall()
    if not rows:
        return LookupResult(kind=kind, value=normalised, known=False)
    report_count, first_seen, last_seen, confirmed_at, _ = rows[0]
    return LookupResult(
        kind=kind,
        value=normalised,
        known=True,
        confirmed=confirmed_at is not None,
        report_count=report_count,
        first_seen=_as_datetime(first_seen),
        last_seen=_as_datetime(last_seen),
        confirmed_at=_as_datetime(confirmed_at),
        references=[FRAUD_KIND.reference(row[4]) for row in rows if row[4] is not None],
    )


def blocklist_for(user: User, kind: str | None = None) -> QuerySet[Indicator]:
    """The confirmed indicators a user may download: a partner gets the kinds it acts on."""
    if not user.can(Cap.BLOCKLIST_LOOKUP):
        return Indicator.objects.none()
    kinds = kinds_for(user)
    if kind:
        kinds = tuple(k for k in kinds if k == kind)
    return Indicator.objects.filter(confirmed_at__isnull=False, kind__in=kinds).order_by(
        "kind", "value"
    )


def iter_blocklist_csv(indicators: QuerySet[Indicator]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["kind", "value", "confirmed_at", "report_count"])
    yield buffer.getvalue()
    for ind in indicators.only("kind", "value", "confirmed_at", "report_count").iterator(5000):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                ind.kind,
                ind.value,
                ind.confirmed_at.isoformat() if ind.confirmed_at else "",
                ind.report_count,
            ]
        )
        yield buffer.getvalue()


# --------------------------------------------------------------------------- the known index

# Rows whose id was drawn this long before their commit are still caught by a refresh.
SETTLE_SECONDS = 10.0
# New hashes wait in a set; past this many they are merged into the sorted array.
MERGE_AT = 50_000
# After a failed build, lookups read the database and the build is retried this much later.
RETRY_SECONDS = 60.0
# Rows read per query when the index is built from PostgreSQL.
BUILD_CHUNK = 1_000_000


def index_usable() -> bool:
    """On unless settings turn it off; never inside a transaction, whose own uncommitted
    indicators the index cannot see."""
    return bool(getattr(settings, "FRAUD_BLOCKLIST_INDEX", True)) and not (
        connection.in_atomic_block
    )


def _refresh_seconds() -> float:
    return float(getattr(settings, "FRAUD_BLOCKLIST_REFRESH_SECONDS", 1.0))


def _rebuild_seconds() -> float:
    return float(getattr(settings, "FRAUD_BLOCKLIST_REBUILD_SECONDS", 3600.0))


def index_key(kind: str, value: str) -> int:
    """The first 64 bits of the MD5 of `kind<TAB>value`, as a signed integer: PostgreSQL
    computes the same (`_PG_KEYS`), so a ten-million-row build needs no Python per row. A
    collision only costs a database read (a hit is checked there); a miss cannot be faked."""
    digest = hashlib.md5(f"{kind}\t{value}".encode(), usedforsecurity=False).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


# One query per id range returns its keys as one bytea of big-endian 64-bit integers.
_PG_KEYS = (
    "SELECT string_agg(decode(left(md5(kind || E'\\t' || value), 16), 'hex'), ''::bytea) "
    "FROM {table} WHERE id > %s AND id <= %s"
)


def _read_keys(high_id: int) -> NDArray[np.int64]:
    """The keys of every indicator with an id up to `high_id`, unsorted."""
    parts: list[NDArray[np.int64]] = []
    if connection.vendor == "postgresql":
        sql = _PG_KEYS.format(table=Indicator._meta.db_table)
        with connection.cursor() as cursor:
            for low in range(0, high_id, BUILD_CHUNK):
                cursor.execute(sql, [low, min(low + BUILD_CHUNK, high_id)])
                row = cursor.fetchone()
                if row and row[0]:
                    parts.append(np.frombuffer(bytes(row[0]), dtype=">i8").astype(np.int64))
    else:
        rows = Indicator.objects.filter(pk__lte=high_id).values_list("kind", "value")
        keys = [index_key(kind, value) for kind, value in rows.iterator(chunk_size=20_000)]
        parts.append(np.array(keys, dtype=np.int64))
    if not parts:
        return np.empty(0, dtype=np.int64)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


class KnownIndex:
    """The 64-bit hashes of every known indicator's (kind, value) in a sorted array.

    A miss means "unknown" and is answered from memory; a hit only means "maybe" (hashes may
    collide, a row may be gone) and the caller reads the database. So a miss must be right: the
    index must hold every committed indicator, which it does up to these bounds:

    - Every `FRAUD_BLOCKLIST_REFRESH_SECONDS` (1 s) one lookup reads the rows with an id above a
      floor: a range scan of the primary key that returns only the few rows added since.
    - Ids are drawn at insert and become visible at commit, so a lower id can appear after a
      higher one. The floor is therefore the highest id the index held `SETTLE_SECONDS` (10 s)
      earlier: a row whose transaction commits within 10 s of its insert is found by lookups
      at most 1 s after its commit.
    - Every `FRAUD_BLOCKLIST_REBUILD_SECONDS` (an hour) the whole index is rebuilt in a
      background thread and swapped in; that bounds the staleness of anything else (a
      transaction open longer than 10 s, or open across a rebuild). Until the first build is
      done, lookups read the database.

    Taking an indicator off the blocklist changes no key: a hit reads `confirmed_at` afresh.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._lock = threading.Lock()
        self._hashes: NDArray[np.int64] | None = None
        self._recent: set[int] = set()
        self._high_id = 0
        # (clock time, highest id held then), oldest first: where the next refresh reads from.
        self._marks: deque[tuple[float, int]] = deque()
        self._checked_at = 0.0
        self._built_at = 0.0
        self._next_build_at = 0.0
        self._building = False

    @property
    def nbytes(self) -> int:
        """Memory held: the sorted array and the set of hashes added since (approximate)."""
        array = self._hashes.nbytes if self._hashes is not None else 0
        return array + len(self._recent) * 64  # a set slot plus its int object, about

    @property
    def size(self) -> int:
        return (len(self._hashes) if self._hashes is not None else 0) + len(self._recent)

    def may_contain(self, kind: str, value: str) -> bool | None:
        """False: no such indicator. True: maybe. None: not built yet, ask the database."""
        now = self.clock()
        if now >= self._next_build_at and (
            self._hashes is None or now - self._built_at >= _rebuild_seconds()
        ):
            self._start_rebuild(now)
        hashes = self._hashes
        if hashes is None:
            return None
        if now - self._checked_at >= _refresh_seconds():
            self.refresh()
        key = index_key(kind, value)
        if key in self._recent:
            return True
        i = int(np.searchsorted(hashes, key))
        return i < len(hashes) and int(hashes[i]) == key

    def rebuild(self) -> None:
        """Read every indicator's key and swap the new array in (seconds at ten million)."""
        started = self.clock()
        high_id = Indicator.objects.aggregate(top=Max("pk"))["top"] or 0
        # Rows above `high_id` committed during the read are picked up by the next refresh.
        hashes = _read_keys(high_id)
        hashes.sort()  # in place: at ten million keys the build peaks at two arrays, not four
        with self._lock:
            self._hashes = hashes
            self._built_at = started
            if high_id > self._high_id or not self._marks:
                self._high_id = max(self._high_id, high_id)
                self._marks.append((started, self._high_id))
            self._checked_at = started

    def refresh(self) -> None:
        """Add the rows committed since the last refresh (see the class's bounds)."""
        if not self._lock.acquire(blocking=False):
            return  # another thread is refreshing; this lookup uses what is there
        try:
            now = self.clock()
            while len(self._marks) > 1 and self._marks[1][0] <= now - SETTLE_SECONDS:
                self._marks.popleft()
            floor = self._marks[0][1] if self._marks else 0
            rows = Indicator.objects.filter(pk__gt=floor).values_list("pk", "kind", "value")
            for pk, kind, value in rows:
                self._recent.add(index_key(kind, value))
                self._high_id = max(self._high_id, pk)
            self._marks.append((now, self._high_id))
            self._checked_at = now
            if len(self._recent) >= MERGE_AT and self._hashes is not None:
                # One pass over the array (a copy), not a sort: tens of ms at ten million.
                new = np.unique(np.fromiter(self._recent, dtype=np.int64))
                self._hashes = np.insert(self._hashes, np.searchsorted(self._hashes, new), new)
                self._recent = set()
        finally:
            self._lock.release()

    def _start_rebuild(self, now: float) -> None:
        with self._lock:
            if self._building:
                return
            self._building = True
        threading.Thread(
            target=self._rebuild_in_background, name="blocklist-index", daemon=True
        ).start()

    def _rebuild_in_background(self) -> None:
        try:
            self.rebuild()
        except Exception:
            logger.exception("building the blocklist index failed; lookups read the database")
            self._next_build_at = self.clock() + RETRY_SECONDS
        finally:
            self._building = False
            connection.close()  # this thread's own connection


KNOWN = KnownIndex()


def blocklist_csv_response(user: User, kind: str | None) -> StreamingHttpResponse:
    """The CSV download of the page and the API: audited, streamed."""
    indicators = blocklist_for(user, kind)
    record(user, "fraud.blocklist_export", detail={"kind": kind or "", "rows": indicators.count()})
    response = StreamingHttpResponse(iter_blocklist_csv(indicators), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="blocklist.csv"'
    return response
