"""``shouwang antifraud``: the command lives in the antifraud app; its tests live here, beside
the engine it drives."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from .helpers import dev_slice, fraud_dir

FIXTURES = Path(__file__).parent / "fixtures"


def test_train_then_score_writes_probabilities_flags_and_reasons(tmp_path):
    features = dev_slice(tmp_path / "slice.csv", rows=300)
    graph = ["--graph", str(fraud_dir() / "node_adj_sparse.npz")]
    graph += ["--nodes", str(fraud_dir() / "node_order.csv")]
    model = tmp_path / "model"
    call_command(
        "antifraud", "train", "--features", str(features), *graph, "--model", str(model),
        "--rounds", "60",
    )  # fmt: skip
    meta = json.loads((model / "model.json").read_text())
    assert meta["graph_features"] and 0.05 <= meta["threshold"] <= 0.95
    assert "g_fraud_neighbour_share" in meta["features"]
    out, reasons = tmp_path / "scores.csv", tmp_path / "reasons.jsonl"
    call_command(
        "antifraud", "score", "--features", str(features), *graph,
        "--model", str(model), "--out", str(out), "--reasons", str(reasons),
    )  # fmt: skip
    with out.open() as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["phone_no_m", "score", "is_fraud"] and len(rows) == 300
    for row in rows:
        flagged = float(row["score"]) >= meta["threshold"]
        assert row["is_fraud"] == str(int(flagged))

    def no_nan(constant: str) -> None:
        raise AssertionError(f"not JSON: {constant}")

    lines = [json.loads(line, parse_constant=no_nan) for line in reasons.read_text().splitlines()]
    first = lines[0]
    assert first["phone_no_m"] == rows[0]["phone_no_m"]
    assert all(r["contribution"] > 0 for r in first["reasons"])


def test_a_bad_cell_stops_training_with_its_row_and_column(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("phone_no_m,a,label\nx,1,0\ny,oops,1\n")
    with pytest.raises(CommandError, match=r"第 3 行.*“a”列.*oops"):
        call_command("antifraud", "train", "--features", str(bad), "--model", str(tmp_path / "m"))
    assert not (tmp_path / "m").exists()


def test_scoring_a_graph_model_without_the_graph_is_refused(tmp_path):
    features = dev_slice(tmp_path / "slice.csv", rows=120)
    call_command(
        "antifraud", "train", "--features", str(features),
        "--graph", str(fraud_dir() / "node_adj_sparse.npz"),
        "--nodes", str(fraud_dir() / "node_order.csv"), "--model", str(tmp_path / "m"),
        "--rounds", "20",
    )  # fmt: skip
    with pytest.raises(CommandError, match="--graph"):
        call_command(
            "antifraud", "score", "--features", str(features), "--model", str(tmp_path / "m"),
            "--out", str(tmp_path / "o.csv"),
        )  # fmt: skip


def test_backtest_prints_the_counts_per_rule(tmp_path, capsys):
    (tmp_path / "block.txt").write_text("X\n")
    (tmp_path / "accounts.txt").write_text("ACC1\n")
    call_command(
        "antifraud", "backtest", "--rules", str(FIXTURES / "backtest_rules.json"),
        "--events", str(FIXTURES / "backtest_events.jsonl"),
        "--list", f"blocklist={tmp_path / 'block.txt'}",
        "--list", f"flagged_accounts={tmp_path / 'accounts.txt'}",
    )  # fmt: skip
    printed = capsys.readouterr().out
    rows = json.loads(printed[printed.index("[") :])
    assert {r["rule_id"]: r["warnings"] for r in rows} == {
        "burst-of-callees": 2,
        "long-call-from-blocklisted": 1,
        "paying-a-flagged-account": 1,
        "bank-alert": 1,
    }


def test_backtest_reports_a_bad_rule_by_its_path(tmp_path):
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([{"id": "r", "version": 1, "when": {}, "flag": {}}]))
    with pytest.raises(CommandError, match=r"\[0\]\.risk"):
        call_command(
            "antifraud", "backtest", "--rules", str(rules),
            "--events", str(FIXTURES / "backtest_events.jsonl"),
        )  # fmt: skip


def test_features_errors_name_the_spreadsheet_row_of_multi_line_cells_and_blank_lines(tmp_path):
    bad = tmp_path / "bad.csv"
    # Row 3 holds a quoted cell over two lines, row 4 is the bad one.
    bad.write_text('phone_no_m,a,label\nx,1,0\n"y\nz",2,1\nw,oops,1\n')
    with pytest.raises(CommandError, match=r"第 4 行.*“a”列.*oops"):
        call_command("antifraud", "cv", "--features", str(bad))
    # A blank line is a row without a number.
    bad.write_text("phone_no_m,a,label\nx,1,0\n\nw,2,1\n")
    with pytest.raises(CommandError, match=r"第 3 行 “phone_no_m”列"):
        call_command("antifraud", "cv", "--features", str(bad))


def test_a_bad_outcome_is_named_by_its_spreadsheet_row(tmp_path):
    outcomes = tmp_path / "outcomes.csv"
    # Excel's "CSV UTF-8" starts with a byte-order mark; row 2 is blank, row 3 spans two lines.
    outcomes.write_text(
        '\ufeffsubject,confirmed\r\n\r\n"A\r\nB",1\r\nC,maybe\r\n', encoding="utf-8"
    )
    with pytest.raises(CommandError, match=r"outcomes\.csv 第 4 行"):
        call_command(
            "antifraud", "backtest", "--rules", str(FIXTURES / "backtest_rules.json"),
            "--events", str(FIXTURES / "backtest_events.jsonl"), "--outcomes", str(outcomes),
        )  # fmt: skip
