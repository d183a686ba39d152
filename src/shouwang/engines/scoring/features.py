"""Model features: the raw per-number columns, ratios derived from them, and the call graph.

Graph features come in two kinds. Structure (degree, two-hop reach) uses no labels. Neighbour
labels (how many of a number's contacts are known fraud numbers) use only the labels handed in as
``known``: in cross-validation those are the training folds' labels, so a validation number's
features never see its own fold's labels; a number's own label is always left out (no self loops,
and two-hop paths back to the number itself are subtracted).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from shouwang.engines.scoring.dataset import CallGraph, FeatureTable

# (name, numerator, denominator): rates that trees find hard to build from the raw counts.
RATIOS: tuple[tuple[str, str, str], ...] = (
    ("x_unique_contact_share", "opposite_unique", "opposite_count"),
    ("x_calls_per_active_day", "opposite_count", "voc_day_nunique"),
    ("x_contacts_per_active_day", "opposite_unique", "voc_day_nunique"),
    ("x_outgoing_per_contact", "voccalltype1", "opposite_unique"),
    ("x_peak_hour_share", "voc_hour_mode_count", "opposite_count"),
    ("x_peak_day_share", "voc_day_mode_count", "opposite_count"),
    ("x_flow_per_month", "flow_sum", "month_ids"),
    ("x_apps_per_month", "busi_count", "month_ids"),
    ("x_counties_per_city", "county_name_call", "city_name_call"),
    ("x_duration_mean_to_median", "call_dur_mean", "call_dur_median"),
    ("x_handsets_per_call", "imeis", "opposite_count"),
    ("x_sms_per_active_day", "sms_count", "day_nunique"),
    ("x_received_sms_per_contact", "calltype_2", "sms_nunique"),
)

STRUCTURE = ("g_degree", "g_two_hop_reach")
NEIGHBOUR_LABELS = (
    "g_fraud_neighbours",
    "g_labelled_neighbours",
    "g_fraud_neighbour_share",
    "g_fraud_share_two_hop",
)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = numerator / denominator
    out[~np.isfinite(out)] = np.nan
    return out


def derived(table: FeatureTable) -> tuple[list[str], np.ndarray]:
    """Ratios whose inputs the table has, the SMS share of all contacts, and the count of missing
    raw values (a number with no call or billing records at all is itself a signal)."""
    names: list[str] = []
    columns: list[np.ndarray] = []
    have = set(table.columns)
    for name, numerator, denominator in RATIOS:
        if numerator in have and denominator in have:
            names.append(name)
            columns.append(_ratio(table.column(numerator), table.column(denominator)))
    if {"sms_count", "opposite_count"} <= have:
        sms = table.column("sms_count")
        names.append("x_sms_share")
        columns.append(_ratio(sms, sms + np.nan_to_num(table.column("opposite_count"))))
    names.append("x_missing_values")
    columns.append(np.isnan(table.values).sum(axis=1).astype(np.float64))
    return names, np.column_stack(columns)


def structure(graph: CallGraph, rows: np.ndarray) -> np.ndarray:
    """Degree and the number of two-hop paths; a number outside the graph gets zeros."""
    adjacency = graph.adjacency
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    reach = adjacency @ degree - degree  # paths i-j-k, minus those that come back to i
    out = np.zeros((len(rows), 2))
    inside = rows >= 0
    out[inside] = np.column_stack([degree, reach])[rows[inside]]
    return out


def neighbour_labels(graph: CallGraph, rows: np.ndarray, known: Mapping[str, int]) -> np.ndarray:
    """Known-fraud and known-any counts among contacts, the smoothed fraud share, and the fraud
    share two hops out. Only ``known`` labels are read; a number's own label never is."""
    size = graph.adjacency.shape[0]
    labelled = np.zeros(size)
    fraud = np.zeros(size)
    for number, label in known.items():
        row = graph.index.get(number)
        if row is not None:
            labelled[row] = 1.0
            fraud[row] = float(label)
    # the prior fraud rate of the known numbers, each number's own label left out of its own
    others = labelled.sum() - labelled
    prior = np.divide(fraud.sum() - fraud, others, out=np.zeros(size), where=others > 0)
    adjacency = graph.adjacency
    degree = np.asarray(adjacency.sum(axis=1)).ravel()
    fraud_near = adjacency @ fraud
    labelled_near = adjacency @ labelled
    # two-hop sums count the number itself once per contact: take those paths out
    fraud_two = adjacency @ fraud_near - degree * fraud
    labelled_two = adjacency @ labelled_near - degree * labelled
    smoothed = (fraud_near + prior) / (labelled_near + 1.0)
    two_hop = _ratio(fraud_two, labelled_two)
    table = np.column_stack([fraud_near, labelled_near, smoothed, two_hop])
    out = np.full((len(rows), table.shape[1]), np.nan)
    out[:, :2] = 0.0
    inside = rows >= 0
    out[inside] = table[rows[inside]]
    return out


@dataclass(frozen=True)
class FeatureSpec:
    """What a model reads: these raw columns, then derived ratios, then (optionally) the graph."""

    raw: tuple[str, ...]
    derived: bool = True
    graph: bool = False

    def build(
        self,
        table: FeatureTable,
        graph: CallGraph | None = None,
        known: Mapping[str, int] | None = None,
    ) -> tuple[list[str], np.ndarray]:
        if table.columns != self.raw:
            raise ValueError("the table's columns differ from the spec's raw columns")
        names = list(self.raw)
        blocks = [table.values]
        if self.derived:
            extra, values = derived(table)
            names += extra
            blocks.append(values)
        if self.graph:
            if graph is None:
                raise ValueError("this feature spec needs the call graph")
            rows = graph.rows_of(table.ids)
            names += [*STRUCTURE, *NEIGHBOUR_LABELS]
            blocks += [structure(graph, rows), neighbour_labels(graph, rows, known or {})]
        return names, np.column_stack(blocks)
