"""A rule's JSON checked by the engine, with the engine's problems turned into translated
messages keyed by the path of the bad part (``when.all[1].op``), so the editor can show each
one next to what caused it."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from shouwang.engines.scoring.rules import Evaluator, Problem, Rule, RuleError, parse_rule


def _messages() -> dict[str, Callable[[str], str]]:
    return {
        "required": lambda d: _("必填。"),
        "unknown_key": lambda d: _("不认识的字段。") + (f" {d}" if d else ""),
        "not_text": lambda d: _("须为非空文本,实际为 %(v)s。") % {"v": d},
        "not_number": lambda d: _("须为数字,实际为 %(v)s。") % {"v": d},
        "not_boolean": lambda d: _("须为 true 或 false,实际为 %(v)s。") % {"v": d},
        "not_allowed": lambda d: _("取值无效:%(v)s。") % {"v": d},
        "not_object": lambda d: _("须为 JSON 对象,实际为 %(v)s。") % {"v": d},
        "not_list": lambda d: _("须为非空列表。"),
        "not_condition": lambda d: _("条件须含 all、any、not、field 或 score_of 之一。"),
        "out_of_range": lambda d: _("超出范围(%(v)s)。") % {"v": d},
        "duplicate_id": lambda d: _("规则编号重复:%(v)s。") % {"v": d},
        "unknown_list": lambda d: _("名单“%(v)s”不存在。") % {"v": d},
        "needs_model": lambda d: _("条件用到了模型评分,但平台尚未导入任何号码评分。"),
    }


def problem_message(problem: Problem) -> str:
    message = _messages().get(problem.code)
    return message(problem.detail) if message else f"{problem.code} {problem.detail}".strip()


def rule_errors(exc: RuleError, prefix: str = "definition") -> ValidationError:
    errors: dict[str, list[str]] = {}
    for problem in exc.problems:
        path = re.sub(r"^\[0\]\.?", "", problem.path)  # one rule evaluated alone: no position
        key = f"{prefix}.{path}" if path else prefix
        errors.setdefault(key, []).append(problem_message(problem))
    return ValidationError(errors)


def load_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as exc:
        line, column = getattr(exc, "lineno", 0), getattr(exc, "colno", 0)
        raise ValidationError(
            {
                "definition": [
                    _("JSON 格式错误:第 %(line)d 行第 %(col)d 列。") % {"line": line, "col": column}
                ]
            }
        ) from None


def check_definition(
    data: Any,
    *,
    rule_id: str,
    version: int,
    list_names: Collection[str],
    has_model: bool,
) -> tuple[dict[str, Any], Rule]:
    """The definition as it will be stored (id and version set by the platform) and the
    engine's parsed rule; every problem at once, including lists and a model that do not exist
    here."""
    if not isinstance(data, Mapping):
        raise ValidationError({"definition": [_("规则须为 JSON 对象。")]})
    stored = {**data, "id": rule_id, "version": version}
    stored.pop("enabled", None)  # switching on and off is an audited action, not a field
    try:
        rule = parse_rule(stored)
        lists = dict.fromkeys(list_names, frozenset[str]())  # only the names are checked here
        Evaluator([rule], lists=lists, scorer=(lambda _n: None) if has_model else None)
    except RuleError as exc:
        raise rule_errors(exc) from None
    return stored, rule
