"""Early-warning throughput: events per second and p99 latency per event through 10 rules with
the fraud-number model scored online, next to the same rules with the model's conditions read
from a precomputed flagged list instead (no model call): `.venv/bin/python bench/scoring.py`.

1. Trains the model on dev.csv with the call graph (or loads `--model DIR`).
2. Builds the feature store: every number's model features (dev + holdout, 6,106 numbers).
3. Generates a time-ordered stream of `--events` events (calls and SMS from those numbers to
   people, transfers from people to accounts, app installs, bank and carrier alerts).
4. Runs it through an `Evaluator` twice, timing each `process()` call: (a) with the model, whose
   booster scores the calling number's feature row for every call and SMS (one-row LightGBM
   prediction, no cache across events); (b) the same rules with `score_of` replaced by
   membership of the set the model flags in batch.
The goal (Tazama's real-time screening target): >= 1,000 events/s at p99 <= 35 ms.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from shouwang.engines.scoring import load_model, read_features, read_graph, train
from shouwang.engines.scoring.dataset import FeatureTable
from shouwang.engines.scoring.rules import Evaluator, parse_rules

T0 = 1_740_787_200.0  # 2025-03-01 00:00 UTC


def data_dir() -> Path:
    if os.environ.get("SHOUWANG_DATA_DIR"):
        return Path(os.environ["SHOUWANG_DATA_DIR"])
    return Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def rules(model_threshold: float, online: bool) -> list[dict[str, Any]]:
    """Ten rules; the two model rules read the score online or the batch-flagged list."""

    def risky(field: str) -> dict[str, Any]:
        if online:
            return {"score_of": field, "op": "ge", "value": model_threshold}
        return {"field": field, "op": "in_list", "value": "model_flagged"}

    call = {"field": "type", "op": "eq", "value": "call"}
    sms = {"field": "type", "op": "eq", "value": "sms"}
    transfer = {"field": "type", "op": "eq", "value": "transfer"}
    return [
        {"id": "callee-burst", "name": "more than 5 distinct callees in 10 minutes", "version": 1,
         "risk": "high", "when": call, "flag": {"party": "src", "role": "block"},
         "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 10,
                    "op": "gt", "value": 5}, "cooldown_minutes": 60},
        {"id": "call-volume", "name": "30 or more calls in an hour", "version": 1,
         "risk": "medium", "when": call, "flag": {"party": "src", "role": "block"},
         "window": {"key": "src", "measure": "count", "minutes": 60, "op": "ge", "value": 30},
         "cooldown_minutes": 120},
        {"id": "sms-burst", "name": "more than 20 distinct SMS recipients in 30 minutes",
         "version": 1, "risk": "medium", "when": sms, "flag": {"party": "src", "role": "block"},
         "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 30,
                    "op": "gt", "value": 20}, "cooldown_minutes": 60},
        {"id": "blocklisted-call", "name": "a minute's call from a blocklisted number",
         "version": 1, "risk": "high", "flag": {"party": "dst", "role": "victim"},
         "when": {"all": [call, {"field": "src", "op": "in_list", "value": "blocklist"},
                          {"field": "duration", "op": "ge", "value": 60}]}},
        {"id": "model-call", "name": "a call of 3 minutes or more from a number the model flags",
         "version": 1, "risk": "high", "flag": {"party": "dst", "role": "victim"},
         "when": {"all": [call, risky("src"), {"field": "duration", "op": "ge", "value": 180}]},
         "cooldown_minutes": 240},
        {"id": "model-number", "name": "a number the model flags, calling or texting",
         "version": 1, "risk": "medium", "flag": {"party": "src", "role": "block"},
         "when": {"all": [{"field": "type", "op": "in", "value": ["call", "sms"]},
                          risky("src")]}, "cooldown_minutes": 1440},
        {"id": "pay-flagged", "name": "10,000 or more to flagged accounts in an hour",
         "version": 1, "risk": "high", "flag": {"party": "src", "role": "victim"},
         "when": {"all": [transfer,
                          {"field": "dst", "op": "in_list", "value": "flagged_accounts"}]},
         "window": {"key": "src", "measure": "sum", "field": "amount", "minutes": 60,
                    "op": "ge", "value": 10000}},
        {"id": "many-payees", "name": "transfers to 4 or more accounts in 30 minutes",
         "version": 1, "risk": "medium", "when": transfer, "flag": {"party": "src",
                                                                    "role": "victim"},
         "window": {"key": "src", "measure": "distinct", "field": "dst", "minutes": 30,
                    "op": "ge", "value": 4}, "cooldown_minutes": 60},
        {"id": "remote-control-app", "name": "a screen-sharing app installed", "version": 1,
         "risk": "high", "flag": {"party": "src", "role": "victim"},
         "when": {"all": [{"field": "type", "op": "eq", "value": "app_install"},
                          {"field": "app", "op": "in_list", "value": "remote_apps"}]}},
        {"id": "bank-alert", "name": "a bank's alert on an account", "version": 1,
         "risk": "medium", "flag": {"party": "dst", "role": "block"},
         "when": {"all": [{"field": "type", "op": "eq", "value": "alert"},
                          {"field": "source", "op": "eq", "value": "bank"}]}},
    ]  # fmt: skip


def stream(numbers: list[str], count: int, seed: int) -> list[dict[str, Any]]:
    rng = np.random.default_rng(seed)
    people = [f"p{i:06d}" for i in range(50_000)]
    accounts = [f"acc{i:05d}" for i in range(5_000)]
    apps = ["wechat", "taobao", "zoom", "todesk", "sunlogin", "douyin"]
    kinds = rng.choice(
        ["call", "sms", "transfer", "app_install", "alert"], count, p=[0.6, 0.2, 0.15, 0.03, 0.02]
    )
    gaps = rng.exponential(0.05, count)  # ~20 events a second of event time
    events: list[dict[str, Any]] = []
    now = T0
    for kind, gap in zip(kinds, gaps, strict=True):
        now += float(gap)
        event: dict[str, Any] = {"type": str(kind), "time": now}
        if kind in ("call", "sms"):
            event["src"] = numbers[int(rng.integers(len(numbers)))]
            event["dst"] = people[int(rng.integers(len(people)))]
            if kind == "call":
                event["duration"] = int(rng.exponential(90))
        elif kind == "transfer":
            event["src"] = people[int(rng.integers(len(people)))]
            event["dst"] = accounts[int(rng.integers(len(accounts)))]
            event["amount"] = float(np.round(rng.lognormal(7, 1.5), 2))
        elif kind == "app_install":
            event["src"] = people[int(rng.integers(len(people)))]
            event["app"] = str(rng.choice(apps))
        else:
            event["source"] = str(rng.choice(["bank", "carrier"]))
            event["dst"] = accounts[int(rng.integers(len(accounts)))]
        events.append(event)
    return events


def feature_store(model: Any, table: FeatureTable, graph: Any) -> dict[str, np.ndarray]:
    x = model.matrix(table, graph)
    return {number: x[i : i + 1] for i, number in enumerate(table.ids)}


def online_scorer(model: Any, store: dict[str, np.ndarray]) -> Callable[[str], float | None]:
    def score(number: str) -> float | None:
        row = store.get(number)
        if row is None:
            return None
        # The whole model (boosted trees and the additive part), calibrated: what a score is.
        return float(model.calibrate(model.raw_log_odds(row))[0])

    return score


def run(evaluator: Evaluator, events: list[dict[str, Any]]) -> dict[str, float]:
    latencies = np.empty(len(events))
    hits = 0
    clock = time.perf_counter
    started = clock()
    for i, event in enumerate(events):
        begin = clock()
        hits += len(evaluator.process(event))
        latencies[i] = clock() - begin
    total = clock() - started
    return {
        "events_per_s": len(events) / total,
        "p50_ms": float(np.percentile(latencies, 50) * 1000),
        "p99_ms": float(np.percentile(latencies, 99) * 1000),
        "max_ms": float(latencies.max() * 1000),
        "warnings": hits,
        "seconds": total,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--model", type=Path, help="a trained model directory (else train)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    fraud = data_dir() / "sichuan_fraud"
    graph = read_graph(fraud / "node_adj_sparse.npz", fraud / "node_order.csv")
    started = time.perf_counter()
    if args.model:
        model = load_model(args.model)
    else:
        model = train(read_features(fraud / "dev.csv", labels=True), graph)
    print(
        f"model {model.version}: {len(model.features)} features, threshold "
        f"{model.threshold:.2f} ({time.perf_counter() - started:.0f} s to train or load)"
    )
    dev = read_features(fraud / "dev.csv", columns=model.spec.raw, labels=False)
    holdout = read_features(fraud / "holdout_features.csv", columns=model.spec.raw)
    store = feature_store(model, dev, graph) | feature_store(model, holdout, graph)
    numbers = sorted(store)
    flagged = {
        number for table in (dev, holdout)
        for number, hit in zip(table.ids, model.score(table, graph, explain=False).flagged,
                               strict=True) if hit
    }  # fmt: skip
    events = stream(numbers, args.events, args.seed)
    lists = {
        "blocklist": set(numbers[:50]),
        "flagged_accounts": {f"acc{i:05d}" for i in range(0, 5000, 10)},
        "remote_apps": {"todesk", "sunlogin", "zoom"},
    }
    with_model = Evaluator(parse_rules(rules(model.threshold, online=True)), lists=lists,
                           scorer=online_scorer(model, store))  # fmt: skip
    without = Evaluator(parse_rules(rules(model.threshold, online=False)),
                        lists=lists | {"model_flagged": flagged})  # fmt: skip
    warm_up = Evaluator(with_model.rules, lists=lists, scorer=with_model.scorer)
    for event in stream(numbers, 2_000, args.seed + 1):
        warm_up.process(event)  # first calls into the booster are slower
    print(f"{len(events)} events, {len(store)} numbers in the feature store, "
          f"{len(flagged)} flagged by the model in batch; 10 rules; {os.cpu_count()} cores "
          "(shared with other work while measured)")  # fmt: skip
    results = {}
    for name, evaluator in (("without model (flagged list)", without),
                            ("with model (online scoring)", with_model)):  # fmt: skip
        results[name] = run(evaluator, events)
        r = results[name]
        print(
            f"{name:30} {r['events_per_s']:9.0f} events/s  p50 {r['p50_ms']:.3f} ms  "
            f"p99 {r['p99_ms']:.3f} ms  max {r['max_ms']:.1f} ms  warnings {r['warnings']:.0f}"
        )
    a, b = results["with model (online scoring)"], results["without model (flagged list)"]
    print(
        f"ratio with/without model: throughput {a['events_per_s'] / b['events_per_s']:.2f}, "
        f"p99 {a['p99_ms'] / b['p99_ms']:.2f}"
    )
    goal = a["events_per_s"] >= 1000 and a["p99_ms"] <= 35
    print(f"goal >= 1,000 events/s at p99 <= 35 ms with the model: {'met' if goal else 'NOT met'}")
    keys = sum(len(state.keys) for state in with_model.windows.values())
    print(f"window state at the end: {keys} keys held, {with_model.dropped_keys} dropped")


if __name__ == "__main__":
    main()
