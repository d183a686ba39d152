"""Links between reports: the reports that share an indicator with one report (its network
view), and clusters of reports joined by shared indicators."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.utils import timezone

from shouwang.antifraud.models import FraudReport, ReportIndicator
from shouwang.antifraud.queries import reports_for_user

if TYPE_CHECKING:
    from shouwang.orgs.models import User

MAX_NODES = 200


def linked_reports(user: User, report: FraudReport) -> list[tuple[FraudReport, list[str]]]:
    """Other reports the user may see that name one of this report's indicators, with the
    shared values, most shared first."""
    mine = ReportIndicator.objects.filter(report=report).values("indicator_id")
    links = (
        ReportIndicator.objects.filter(indicator_id__in=mine)
        .exclude(report=report)
        .filter(report__in=reports_for_user(user).values("pk"))
        .select_related("indicator")
        .order_by("-report_id")[:500]
    )
    shared: dict[int, list[str]] = defaultdict(list)
    for link in links:
        shared[link.report_id].append(link.indicator.value)
    reports = FraudReport.objects.in_bulk(list(shared))
    ordered = sorted(shared, key=lambda pk: (-len(shared[pk]), -pk))
    return [(reports[pk], shared[pk]) for pk in ordered if pk in reports]


def network(user: User, report: FraudReport) -> dict[str, Any]:
    """Nodes and edges for the graph: this report, its indicators, the visible reports that
    share them and those reports' other indicators (two rings, capped)."""
    visible = reports_for_user(user).values("pk")
    nodes: dict[str, dict[str, Any]] = {}
    edges: set[tuple[str, str]] = set()

    def add_report(r: FraudReport, centre: bool = False) -> str:
        key = f"r{r.pk}"
        nodes.setdefault(
            key,
            {"id": key, "name": r.reference, "category": 0, "centre": centre, "url": r.pk},
        )
        return key

    def add_indicator(link: ReportIndicator) -> str:
        ind = link.indicator
        key = f"i{ind.pk}"
        nodes.setdefault(
            key,
            {
                "id": key,
                "name": ind.value,
                "category": 1,
                "kind": ind.get_kind_display(),
                "reports": ind.report_count,
                "confirmed": ind.confirmed_at is not None,
                "url": ind.pk,
            },
        )
        return key

    centre = add_report(report, centre=True)
    first_ring = list(ReportIndicator.objects.filter(report=report).select_related("indicator"))
    for link in first_ring:
        edges.add((centre, add_indicator(link)))
    neighbours = (
        ReportIndicator.objects.filter(indicator_id__in=[link.indicator_id for link in first_ring])
        .exclude(report=report)
        .filter(report__in=visible)
        .select_related("report", "indicator")
        .order_by("-report_id")[:MAX_NODES]
    )
    others: list[int] = []
    for link in neighbours:
        if len(nodes) >= MAX_NODES:
            break
        edges.add((add_report(link.report), add_indicator(link)))
        others.append(link.report_id)
    for link in (
        ReportIndicator.objects.filter(report_id__in=others)
        .select_related("report", "indicator")
        .order_by("report_id")[: MAX_NODES * 2]
    ):
        if len(nodes) >= MAX_NODES:
            break
        edges.add((add_report(link.report), add_indicator(link)))
    return {
        "nodes": list(nodes.values()),
        "links": [{"source": a, "target": b} for a, b in sorted(edges)],
        "truncated": len(nodes) >= MAX_NODES,
    }


@dataclass
class Cluster:
    reports: list[FraudReport]
    shared: list[str]


def clusters(user: User, days: int = 90, min_size: int = 2) -> list[Cluster]:
    """Groups of reports (in the user's scope, registered in the last `days`) joined through
    shared indicators, largest first: union-find over report–indicator links."""
    since = timezone.now() - timedelta(days=days)
    visible = reports_for_user(user).filter(created_at__gte=since).values("pk")
    shared_indicators = (
        ReportIndicator.objects.filter(report__in=visible)
        .values("indicator_id")
        .annotate(n=Count("report_id"))
        .filter(n__gte=2)
        .values("indicator_id")
    )
    links = list(
        ReportIndicator.objects.filter(
            report__in=visible, indicator_id__in=shared_indicators
        ).values_list("report_id", "indicator_id", "indicator__value")[:100000]
    )
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first_report: dict[int, int] = {}
    for report_id, indicator_id, _value in links:
        if indicator_id in first_report:
            parent[find(report_id)] = find(first_report[indicator_id])
        else:
            first_report[indicator_id] = report_id
            find(report_id)
    groups: dict[int, set[int]] = defaultdict(set)
    values: dict[int, set[str]] = defaultdict(set)
    for report_id, _indicator_id, value in links:
        root = find(report_id)
        groups[root].add(report_id)
        values[root].add(value)
    big = sorted(
        (root for root, members in groups.items() if len(members) >= min_size),
        key=lambda root: (-len(groups[root]), root),
    )[:100]
    wanted = {pk for root in big for pk in groups[root]}
    reports = FraudReport.objects.select_related("unit").in_bulk(list(wanted))
    return [
        Cluster(
            reports=sorted(
                (reports[pk] for pk in groups[root] if pk in reports),
                key=lambda r: r.created_at,
            ),
            shared=sorted(values[root]),
        )
        for root in big
    ]
