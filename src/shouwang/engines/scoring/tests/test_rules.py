from typing import Any

import pytest

from shouwang.engines.scoring.rules import Evaluator, EventError, RuleError, parse_rule, parse_rules

T0 = 1_740_787_200.0  # 2025-03-01 00:00 UTC


def rule(**changes: Any) -> dict[str, Any]:
    base = {
        "id": "r1",
        "name": "test",
        "version": 1,
        "risk": "high",
        "when": {"field": "type", "op": "eq", "value": "call"},
        "flag": {"party": "src", "role": "block"},
    }
    base.update(changes)
    return base


def call(minute: float, src: str = "a", dst: str = "b", **more: Any) -> dict[str, Any]:
    return {"type": "call", "time": T0 + minute * 60, "src": src, "dst": dst, **more}


def paths(data: Any) -> set[tuple[str, str]]:
    with pytest.raises(RuleError) as caught:
        parse_rule(data)
    return {(p.path, p.code) for p in caught.value.problems}


def test_it_names_the_path_of_every_bad_part():
    bad = rule(
        when={"all": [{"field": "type", "op": "eq", "value": "call"}, {"field": "x", "op": "~"}]},
        window={"key": "src", "measure": "distinct", "minutes": -1, "op": "gt", "value": 5},
        flag={"party": "src", "role": "arrest"},
    )
    assert paths(bad) == {
        ("when.all[1].op", "not_allowed"),
        ("window.field", "not_text"),
        ("window.minutes", "out_of_range"),
        ("flag.role", "not_allowed"),
    }


def test_it_reports_missing_and_unknown_keys():
    data = rule(colour="red")
    del data["risk"]
    assert paths(data) == {("risk", "required"), ("colour", "unknown_key")}


def test_a_number_comparison_needs_a_number():
    assert paths(rule(when={"field": "amount", "op": "gt", "value": "big"})) == {
        ("when.value", "not_number")
    }


def test_in_needs_a_list_of_plain_values():
    assert paths(rule(when={"field": "type", "op": "in", "value": [{"a": 1}]})) == {
        ("when.value", "not_list")
    }


def test_a_list_of_rules_gives_each_problem_its_position_and_refuses_repeated_ids():
    with pytest.raises(RuleError) as caught:
        parse_rules([rule(), rule(version=0), rule()])
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("[1].version", "out_of_range"),
        ("[1].id", "duplicate_id"),
        ("[2].id", "duplicate_id"),
    }


def test_a_parsed_rule_is_plain_data_again_after_json():
    import json

    data = rule(window={"key": "src", "measure": "count", "minutes": 5, "op": "ge", "value": 2})
    assert parse_rule(json.loads(json.dumps(data))) == parse_rule(data)


def test_a_rule_naming_an_unknown_list_or_the_model_without_one_is_refused():
    listed = parse_rule(rule(when={"field": "src", "op": "in_list", "value": "blocklist"}))
    scored = parse_rule(rule(id="r2", when={"score_of": "src", "op": "ge", "value": 0.9}))
    with pytest.raises(RuleError) as caught:
        Evaluator([listed, scored])
    assert {(p.path, p.code) for p in caught.value.problems} == {
        ("[0].when", "unknown_list"),
        ("[1].when", "needs_model"),
    }


def test_a_count_window_fires_above_the_threshold_and_forgets_old_events():
    evaluator = Evaluator(
        [parse_rule(rule(window={"key": "src", "measure": "count", "minutes": 10, "op": "gt",
                                 "value": 2}))]
    )  # fmt: skip
    fired = [bool(evaluator.process(call(m))) for m in (0, 1, 2, 3, 20, 21)]
    assert fired == [False, False, True, True, False, False]


def test_keys_are_counted_apart():
    evaluator = Evaluator(
        [parse_rule(rule(window={"key": "src", "measure": "count", "minutes": 10, "op": "ge",
                                 "value": 2}))]
    )  # fmt: skip
    assert evaluator.process(call(0, src="a")) == []
    assert evaluator.process(call(1, src="b")) == []
    assert [h.subject for h in evaluator.process(call(2, src="a"))] == ["a"]


def test_the_model_score_of_a_party_can_be_a_condition():
    scores = {"bad": 0.97, "good": 0.02}
    evaluator = Evaluator(
        [parse_rule(rule(when={"score_of": "src", "op": "ge", "value": 0.9},
                         flag={"party": "dst", "role": "victim"}))],
        scorer=scores.get,
    )  # fmt: skip
    assert evaluator.process(call(0, src="good")) == []
    assert evaluator.process(call(1, src="unknown")) == []
    [hit] = evaluator.process(call(2, src="bad", dst="grandma"))
    assert (hit.subject, hit.role, hit.score) == ("grandma", "victim", None)


def test_comparisons_on_a_missing_field_are_false():
    evaluator = Evaluator([parse_rule(rule(when={"field": "amount", "op": "lt", "value": 5}))])
    assert evaluator.process(call(0)) == []
    assert len(evaluator.process(call(1, amount=3))) == 1


def test_contains_and_not_work_on_text():
    evaluator = Evaluator(
        [parse_rule(rule(when={"all": [{"field": "text", "op": "contains", "value": "安全账户"},
                                       {"not": {"field": "src", "op": "eq", "value": "95588"}}]}))]
    )  # fmt: skip
    assert len(evaluator.process(call(0, text="请转入安全账户"))) == 1
    assert evaluator.process(call(1, src="95588", text="请转入安全账户")) == []
    assert evaluator.process(call(2, text="你好")) == []


def test_events_out_of_time_order_or_malformed_are_refused_with_their_position():
    evaluator = Evaluator([parse_rule(rule())])
    evaluator.process(call(5))
    with pytest.raises(EventError) as caught:
        evaluator.process(call(4))
    assert (caught.value.problem, caught.value.index) == ("out_of_order", 1)
    with pytest.raises(EventError) as caught:
        evaluator.process({"type": "call", "time": "yesterday"})
    assert caught.value.problem == "bad_time"
    with pytest.raises(EventError) as caught:
        evaluator.process({"type": "fax", "time": T0 + 600})
    assert caught.value.problem == "bad_type"


def test_memory_stays_bounded_by_the_window_and_the_key_cap():
    window = {"key": "src", "measure": "distinct", "field": "dst", "minutes": 1, "op": "gt",
              "value": 100}  # fmt: skip
    evaluator = Evaluator([parse_rule(rule(window=window))], max_keys=50)
    for i in range(2000):
        evaluator.process(call(i / 100, src=f"s{i % 500}", dst=f"d{i}"))
    state = evaluator.windows["r1"]
    assert len(state.keys) <= 50
    assert state.dropped_keys > 0
    # a minute later every key has left the window
    evaluator.process(call(30, src="late"))
    assert list(state.keys) == ["late"]
