"""The backtest against a fixture counted by hand (fixtures/backtest_*.json*).

Worked out on paper, minutes after 09:00:
* burst-of-callees: A reaches v1, v2, v3 by minute 4 (3 distinct > 2: warning 1); v4 at minute 5
  is inside the 60-minute cooldown (suppressed). B reaches only 2. A reaches w1, w2, w3 at
  75-77; v1-v4 have left the 10-minute window (at 76 only w1, w2: 2), at 77 three distinct and
  73 minutes since the last warning: warning 2. Two warnings, one subject (A).
* long-call-from-blocklisted: X (blocklisted) calls v5 for 120 s (warning, victim v5) and v6 for
  30 s (too short). One warning.
* paying-a-flagged-account: v5 pays flagged ACC1 6,000 at 20 and 5,000 at 30 (11,000 >= 10,000
  in 60 minutes: warning, victim v5); 50,000 to ACC9 (not flagged) does not count; v7's 9,999
  is alone; v5's 1 at 140 is alone in its window (20 and 30 have expired). One warning.
* bank-alert: the bank's alert on ACC1 (warning); the carrier's on ACC2 is not a bank's.
Outcomes: A confirmed fraud, v5 confirmed victim, ACC1 a false alarm.
"""

import json
from pathlib import Path

from shouwang.engines.scoring.rules import BacktestReport, Hit, backtest, parse_rules

FIXTURES = Path(__file__).parent / "fixtures"


def run(outcomes: dict[str, bool] | None = None) -> tuple[BacktestReport, list[Hit]]:
    rules = parse_rules(json.loads((FIXTURES / "backtest_rules.json").read_text()))
    lines = (FIXTURES / "backtest_events.jsonl").read_text().splitlines()
    events = [json.loads(line) for line in lines]
    hits: list[Hit] = []
    report = backtest(
        rules,
        events,
        lists={"blocklist": {"X"}, "flagged_accounts": {"ACC1"}},
        outcomes=outcomes,
        on_hit=hits.append,
    )
    return report, hits


def test_the_backtest_matches_the_hand_count():
    report, _ = run({"A": True, "v5": True, "ACC1": False})
    assert report.events == 18
    table = {row.rule_id: row.as_dict() for row in report.rules}
    assert table == {
        "burst-of-callees": {
            "rule_id": "burst-of-callees", "version": 1, "role": "block", "warnings": 2,
            "subjects": 1, "confirmed": 2, "false_alarms": 0, "unlabelled": 0, "precision": 1.0,
        },
        "long-call-from-blocklisted": {
            "rule_id": "long-call-from-blocklisted", "version": 2, "role": "victim",
            "warnings": 1, "subjects": 1, "confirmed": 1, "false_alarms": 0, "unlabelled": 0,
            "precision": 1.0,
        },
        "paying-a-flagged-account": {
            "rule_id": "paying-a-flagged-account", "version": 1, "role": "victim", "warnings": 1,
            "subjects": 1, "confirmed": 1, "false_alarms": 0, "unlabelled": 0, "precision": 1.0,
        },
        "bank-alert": {
            "rule_id": "bank-alert", "version": 1, "role": "block", "warnings": 1, "subjects": 1,
            "confirmed": 0, "false_alarms": 1, "unlabelled": 0, "precision": 0.0,
        },
    }  # fmt: skip


def test_the_warnings_come_at_the_hand_counted_events():
    _, hits = run()
    assert [(h.rule_id, h.subject, h.event_index, h.aggregate) for h in hits] == [
        ("burst-of-callees", "A", 3, 3.0),
        ("long-call-from-blocklisted", "v5", 6, None),
        ("paying-a-flagged-account", "v5", 9, 11000.0),
        ("burst-of-callees", "A", 13, 3.0),
        ("bank-alert", "ACC1", 15, None),
    ]


def test_without_outcomes_every_warning_is_unlabelled():
    report, _ = run()
    burst = report.for_rule("burst-of-callees")
    assert (burst.warnings, burst.unlabelled, burst.precision) == (2, 2, None)
