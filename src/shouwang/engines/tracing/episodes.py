"""Amount matching (金额匹配): which payments out of an account the payments into it fund.

An analyst following money through a mule account (快进快出) looks for the payments out that
add up to what came in: the account received X, in one payment or a burst of them, and soon
paid about X out, a fee less, to one or several accounts. Such a pair of bursts is an
*episode*: its payments in fund its payments out, in proportion; the account's other payments
are its ordinary business.

An episode around one payment (the anchor) of an account's statement is

* payments in: a run of consecutive payments into the account, in time order, of which some
  may be left out (skipped; never the anchor);
* payments out: a run of consecutive payments out, all after the last payment in, with the same
  leaving-out allowed (``MatchLimits.skips`` skipped payments in all);
* in total, out between (1 - fee) x in and in plus a cent per payment (rounding), and everything
  within ``MatchLimits.within`` of the first payment in.

Amounts alone fit several episodes more often than not: with a 3% fee and a few payments to
leave out, another combination of ordinary payments often adds up as well. What tells the
layering apart is that it goes on: the accounts it pays pass the money on again, and the
accounts it is paid by were passing it on. So of the episodes that fit, ``best_episode`` takes
the one with the most payments whose counterparty passes that payment on (``passing``, from
the counterparty's own statement), then the most money in them, then the fewest payments
skipped or taken in from counterparties that do not pass money on, then the closest fit (the
smallest fee), then the earliest. When no counterparty in reach passes anything on (or their
statements are not read), amounts alone decide: the most money sent on, then the fewest
payments skipped, then the closest fit.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from shouwang.engines.tracing.model import MatchLimits
from shouwang.engines.tracing.rows import Row

# Payments are rounded to the cent: a split may pay out up to a cent per payment more than in.
CENT = 0.01
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class Episode:
    """Payments in (``inflows``) that fund payments out (``outflows``), by transaction id."""

    inflows: frozenset[Any]
    outflows: frozenset[Any]
    received: float
    sent: float


@dataclass(frozen=True, slots=True)
class _Run:
    """Consecutive payments of one direction, ``skipped`` left out; indexes into the side."""

    first: int
    last: int
    skipped: tuple[int, ...]
    total: float
    count: int
    passing: int  # payments whose counterparty passes them on
    passed: float  # their amount


class _Side:
    """The payments of one direction in a statement window, with their running sums."""

    def __init__(self, window: Sequence[Row], positions: list[int], passing: Sequence[bool]):
        self.positions = positions
        self.times = [window[p].time for p in positions]
        self.amounts = [window[p].amount for p in positions]
        self.passing = [passing[p] for p in positions]
        self.passed = [a if on else 0.0 for a, on in zip(self.amounts, self.passing, strict=True)]
        self.ids = [window[p].txn_id for p in positions]

    def __len__(self) -> int:
        return len(self.positions)

    def runs(self, anchor: int | None, within: int, skips: int) -> Iterator[_Run]:
        """Every run (containing ``anchor`` when given) spanning at most ``within``."""
        firsts = range(len(self)) if anchor is None else range(anchor + 1)
        for first in firsts:
            lasts = range(first if anchor is None else anchor, len(self))
            for last in lasts:
                if self.times[last] - self.times[first] > within:
                    break
                yield from self._with_skips(first, last, anchor, skips)

    def _with_skips(self, first: int, last: int, anchor: int | None, skips: int) -> Iterator[_Run]:
        span = range(first, last + 1)
        whole = _Run(
            first,
            last,
            (),
            sum(self.amounts[i] for i in span),
            len(span),
            sum(self.passing[i] for i in span),
            sum(self.passed[i] for i in span),
        )
        inner = [i for i in range(first + 1, last) if i != anchor]
        return self._leave_out(whole, inner, 0, skips)

    def _leave_out(self, run: _Run, inner: list[int], start: int, skips: int) -> Iterator[_Run]:
        """``run``, and ``run`` with up to ``skips`` more of ``inner[start:]`` left out."""
        yield run
        if skips == 0:
            return
        for k in range(start, len(inner)):
            i = inner[k]
            smaller = _Run(
                run.first,
                run.last,
                (*run.skipped, i),
                run.total - self.amounts[i],
                run.count - 1,
                run.passing - self.passing[i],
                run.passed - self.passed[i],
            )
            yield from self._leave_out(smaller, inner, k + 1, skips - 1)

    def members(self, run: _Run) -> frozenset[Any]:
        left_out = set(run.skipped)
        return frozenset(self.ids[i] for i in range(run.first, run.last + 1) if i not in left_out)


def busy(window: Sequence[Row], account: str, limit: int) -> bool:
    """Whether ``account`` has more than ``limit`` payments in, or out, in ``window``: it is not
    searched for episodes. Stops counting there: a business account's window can hold
    thousands of payments, and it is asked about often."""
    ins = outs = 0
    for r in window:
        if r.frm == r.to:
            continue
        if r.to == account:
            ins += 1
        elif r.frm == account:
            outs += 1
        if ins > limit or outs > limit:
            return True
    return False


def _sides(window: Sequence[Row], account: str, passing: Sequence[bool]) -> tuple[_Side, _Side]:
    ins = [i for i, r in enumerate(window) if r.to == account and r.frm != account]
    outs = [i for i, r in enumerate(window) if r.frm == account and r.to != account]
    return _Side(window, ins, passing), _Side(window, outs, passing)


class _Search(NamedTuple):
    """The two sides of a statement window to pair, and where the anchor is on them."""

    ins: _Side
    outs: _Side
    anchor_in: int | None
    anchor_out: int | None
    within: int  # microseconds


def _search(
    window: Sequence[Row], account: str, anchor: int, limits: MatchLimits, passing: Sequence[bool]
) -> _Search | None:
    """The sides around ``window[anchor]``; None when no episode can hold it (a busy account,
    a side without payments, or the anchor not a payment in or out of the account)."""
    if busy(window, account, limits.busy):
        return None
    ins, outs = _sides(window, account, passing)
    if not ins or not outs:
        return None
    anchor_in = ins.positions.index(anchor) if anchor in ins.positions else None
    anchor_out = outs.positions.index(anchor) if anchor in outs.positions else None
    if anchor_in is None and anchor_out is None:
        return None
    return _Search(ins, outs, anchor_in, anchor_out, limits.within // _MICROSECOND)


def _pairs(
    window: Sequence[Row], account: str, anchor: int, limits: MatchLimits, passing: Sequence[bool]
) -> Iterator[tuple[_Side, _Side, _Run, _Run]]:
    """Every (payments in, payments out) that fits, the anchor among them."""
    search = _search(window, account, anchor, limits, passing)
    if search is None:
        return
    ins, outs, anchor_in, anchor_out, within = search
    out_runs = sorted(outs.runs(anchor_out, within, limits.skips), key=lambda r: r.total)
    out_totals = [r.total for r in out_runs]
    for run_in in ins.runs(anchor_in, within, limits.skips):
        low = (1.0 - limits.fee) * run_in.total
        high = run_in.total + CENT * (run_in.count + len(outs))
        last_in = ins.positions[run_in.last]
        start = ins.times[run_in.first]
        for k in range(bisect_left(out_totals, low), len(out_runs)):
            run_out = out_runs[k]
            if run_out.total > high:
                break
            if (
                outs.positions[run_out.first] > last_in
                and outs.times[run_out.last] - start <= within
                and len(run_in.skipped) + len(run_out.skipped) <= limits.skips
                and run_out.total <= run_in.total + CENT * (run_in.count + run_out.count)
            ):
                yield ins, outs, run_in, run_out


def _preference(run_in: _Run, run_out: _Run, informed: bool) -> tuple[float, ...]:
    """Smaller is preferred. ``informed``: some payment of the window is passed on.

    Informed: most payments passed on, then most money passed on (to the cent), then fewest
    payments left out or taken in from accounts that do not pass money on, then the closest fit.
    Not informed (no counterparty passes anything on, or their statements are not read): the
    most money sent on, then fewest payments left out, then the closest fit. Then the earliest.
    """
    left_out = len(run_in.skipped) + len(run_out.skipped)
    fit = run_out.total / run_in.total
    if informed:
        first: tuple[float, ...] = (
            -(run_in.passing + run_out.passing),
            -round(run_in.passed + run_out.passed, 2),
            left_out + run_in.count - run_in.passing,
            -fit,
        )
    else:
        first = (-round(run_out.total, 2), left_out, -fit)
    earliest = (run_in.first, run_in.last, *run_in.skipped, -1, run_out.first, run_out.last)
    return (*first, *earliest, *run_out.skipped)


def best_episode(
    window: Sequence[Row],
    account: str,
    anchor: int,
    limits: MatchLimits,
    passing: Sequence[bool],
) -> Episode | None:
    """The preferred episode of ``account`` containing ``window[anchor]``, if any fits.

    ``window``: the account's payments within ``limits.within`` of the anchor, in replay order;
    ``passing[i]``: whether the counterparty of ``window[i]`` passes that payment on.
    """
    informed = any(passing)
    best: tuple[tuple[float, ...], _Side, _Side, _Run, _Run] | None = None
    for ins, outs, run_in, run_out in _pairs(window, account, anchor, limits, passing):
        key = _preference(run_in, run_out, informed)
        if best is None or key < best[0]:
            best = (key, ins, outs, run_in, run_out)
    if best is None:
        return None
    _, ins, outs, run_in, run_out = best
    return Episode(ins.members(run_in), outs.members(run_out), run_in.total, run_out.total)


def passes_through(window: Sequence[Row], account: str, anchor: int, limits: MatchLimits) -> bool:
    """Whether some episode of ``account`` contains ``window[anchor]``: the account passes that
    payment on (a payment in) or paid it out of money it had just received (a payment out).

    The same answer as looking for one pair of ``_pairs``, without listing every run of
    payments out: for each run in and each stretch of payments out after it, the payments to
    leave out of the stretch are searched by their amounts (``_leave_outs``). Counterparties
    are asked this for every payment the trace meets, and a busy one has a few payments in and
    dozens out, whose runs with two left out number in the hundreds of thousands."""
    search = _search(window, account, anchor, limits, [False] * len(window))
    if search is None:
        return False
    return any(
        _fits_out(search.outs, search.ins, run_in, search.anchor_out, search.within, limits)
        for run_in in search.ins.runs(search.anchor_in, search.within, limits.skips)
    )


def _fits_out(
    outs: _Side, ins: _Side, run_in: _Run, anchor: int | None, within: int, limits: MatchLimits
) -> bool:
    """Whether a run of ``outs`` (containing ``anchor`` when given) pairs with ``run_in`` under
    the conditions of ``_pairs``, checked with the same arithmetic."""
    last_in = ins.positions[run_in.last]
    start = ins.times[run_in.first]
    skips = limits.skips - len(run_in.skipped)
    low = (1.0 - limits.fee) * run_in.total
    firsts = range(bisect_right(outs.positions, last_in), len(outs))
    for first in firsts:
        if anchor is not None and first > anchor:
            break
        whole = 0.0
        for last in range(first, len(outs)):
            if outs.times[last] - start > within:
                break
            whole += outs.amounts[last]
            if anchor is not None and last < anchor:
                continue
            inner = [i for i in range(first + 1, last) if i != anchor]
            count = last - first + 1
            # what to leave out: at most the whole less the low end, at least the whole less
            # the high end (a cent more per payment kept); a margin for rounding, then exact
            most = whole - low + _MARGIN
            least = whole - run_in.total - CENT * (run_in.count + count) - _MARGIN
            for left_out in _leave_outs(outs.amounts, inner, skips, least, most):
                total = sum(outs.amounts[i] for i in range(first, last + 1))
                for i in sorted(left_out):
                    total -= outs.amounts[i]
                kept = count - len(left_out)
                if low <= total <= run_in.total + CENT * (run_in.count + kept):
                    return True
    return False


# Sums are compared exactly once a candidate is found; the search itself allows this much more.
_MARGIN = 1e-6


def _leave_outs(
    amounts: Sequence[float], inner: list[int], skips: int, least: float, most: float
) -> Iterator[tuple[int, ...]]:
    """Sets of at most ``skips`` of ``inner`` whose amounts sum to between ``least`` and
    ``most``, where each one left out raises ``least`` by a cent (one payment fewer to round).

    Largest first, so that a set is abandoned as soon as even its largest completion is too
    small. Amounts are never negative in a payment table; should one be, every set is tried."""
    order = sorted(inner, key=lambda i: -amounts[i])
    values = [amounts[i] for i in order]
    prune = not values or values[-1] >= 0.0

    def search(begin: int, left: int, least: float, most: float) -> Iterator[tuple[int, ...]]:
        if least <= 0.0 <= most:
            yield ()
        if left == 0:
            return
        for k in range(begin, len(values)):
            value = values[k]
            if prune and value + sum(values[k + 1 : k + left]) < least + CENT:
                return  # neither this one nor any smaller one, with the next largest, is enough
            if prune and value > most:
                continue
            for rest in search(k + 1, left - 1, least - value + CENT, most - value):
                yield (order[k], *rest)

    return search(0, skips, least, most)
