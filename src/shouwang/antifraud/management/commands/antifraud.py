"""`shouwang antifraud train|score|cv|backtest`: the fraud-number model and the rules engine.

    shouwang antifraud train --features dev.csv [--graph adj.npz --nodes nodes.csv] --model DIR
    shouwang antifraud score --features FILE [--graph ... --nodes ...] --model DIR --out FILE
    shouwang antifraud cv --features dev.csv [--graph ... --nodes ...] [--folds 5]
    shouwang antifraud backtest --rules rules.json --events events.jsonl [--list NAME=FILE]
        [--outcomes outcomes.csv]

The work is done by ``shouwang.engines.scoring``; this file parses arguments, turns the engine's
typed errors into translated messages, and writes files.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shouwang.engines.scoring import (
    CallGraph,
    InputError,
    ModelDirError,
    cross_validate,
    load_model,
    read_features,
    read_graph,
    save_model,
    summary_table,
    train,
)
from shouwang.engines.scoring.model import ROUNDS
from shouwang.engines.scoring.rules import EventError, RuleError, backtest, parse_rules
from shouwang.engines.sheets import csv_records


def _input_problem(problem: str) -> str:
    messages = {
        "unreadable": _("无法读取"),
        "missing_column": _("缺少此列"),
        "bad_value": _("不是有效的值"),
        "duplicate_id": _("号码重复"),
        "empty": _("没有数据行"),
        "single_class": _("训练数据须同时包含足够的诈骗号码和正常号码"),
        "needs_graph": _("该模型使用通话图,评分时须提供通话图"),
    }
    return messages.get(problem, problem)


def describe_input(error: InputError) -> str:
    """Where (file, row, column) and what: the form a person can act on. The engine counts data
    rows (the header is its row 0, blank lines are rows); people see the spreadsheet's row, one
    more, as every importer names it (`engines.sheets`)."""
    parts = [error.file] if error.file else []
    if error.row is not None:
        parts.append(_("第 %(row)d 行") % {"row": error.row + 1})
    if error.column:
        parts.append(_("“%(column)s”列") % {"column": error.column})
    value = f" “{error.value}”" if error.value else ""
    return f"{' '.join(parts)}{value}:{_input_problem(error.problem)}"


def _rule_problem(code: str) -> str:
    messages = {
        "required": _("缺少此项"),
        "unknown_key": _("不认识的项"),
        "not_text": _("应为非空文本"),
        "not_number": _("应为数字"),
        "not_allowed": _("取值不在允许范围内"),
        "not_object": _("应为对象"),
        "not_list": _("应为非空列表"),
        "not_condition": _("条件须含 all、any、not、field 或 score_of 之一"),
        "out_of_range": _("超出允许范围"),
        "bad_id": _("编号只能含字母、数字和 _ . -,至多 64 个字符"),
        "not_boolean": _("应为 true 或 false"),
        "duplicate_id": _("规则编号重复"),
        "unknown_list": _("引用了未提供的名单"),
        "needs_model": _("规则使用模型评分,但没有提供模型"),
    }
    return messages.get(code, code)


def _event_problem(problem: str) -> str:
    messages = {
        "not_object": _("应为 JSON 对象"),
        "bad_type": _("事件类型无效"),
        "bad_time": _("时间无效(须为带时区的 ISO 8601 时间或纪元秒数)"),
        "out_of_order": _("事件未按时间顺序排列"),
    }
    return messages.get(problem, problem)


def _graph(options: dict[str, Any]) -> CallGraph | None:
    graph, nodes = options.get("graph"), options.get("nodes")
    if graph is None and nodes is None:
        return None
    if graph is None or nodes is None:
        raise CommandError(_("--graph 与 --nodes 须同时给出。"))
    return read_graph(graph, nodes)


def _events(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(
                    _("%(file)s 第 %(row)d 行不是有效的 JSON:%(error)s")
                    % {"file": path, "row": number, "error": exc.msg}
                ) from None


def _read_list(spec: str) -> tuple[str, set[str]]:
    name, sep, file = spec.partition("=")
    if not sep or not name or not file:
        raise CommandError(_("名单须写作 名称=文件:%(spec)s") % {"spec": spec})
    try:
        text = Path(file).read_text(encoding="utf-8")
    except OSError:
        raise CommandError(_("找不到文件 %(p)s。") % {"p": file}) from None
    return name, {line.strip() for line in text.splitlines() if line.strip()}


def _read_outcomes(path: Path) -> dict[str, bool]:
    """subject → confirmed from a CSV with a header row; errors name the spreadsheet's row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError:
        raise CommandError(_("找不到文件 %(p)s。") % {"p": path}) from None
    except UnicodeDecodeError:
        raise CommandError(_("%(file)s 不是 UTF-8 编码。") % {"file": path}) from None
    try:
        records = csv_records(text)
    except csv.Error as exc:
        raise CommandError(
            _("%(file)s 格式有误:%(error)s") % {"file": path, "error": exc}
        ) from None
    outcomes: dict[str, bool] = {}
    for number, row in records.rows:
        subject, confirmed = row.get("subject"), (row.get("confirmed") or "").strip()
        if not subject or confirmed not in ("0", "1"):
            raise CommandError(
                _("%(file)s 第 %(row)d 行:须有 subject 列和取 0 或 1 的 confirmed 列")
                % {"file": path, "row": number}
            )
        outcomes[subject] = confirmed == "1"
    return outcomes


class Command(BaseCommand):
    help = "Fraud-number model (train, score, cross-validate) and rule backtests."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("train", "score", "cv"):
            action = sub.add_parser(name)
            action.add_argument("--features", type=Path, required=True, help="per-number CSV")
            action.add_argument("--graph", type=Path, help="call graph (.npz, CSR parts)")
            action.add_argument("--nodes", type=Path, help="node,phone_no_m CSV of the graph")
            if name != "score":
                action.add_argument("--seed", type=int, default=0)
                action.add_argument(
                    "--rounds", type=int, default=ROUNDS, help="boosting rounds (default 400)"
                )
        sub.choices["train"].add_argument("--model", type=Path, required=True)
        sub.choices["score"].add_argument("--model", type=Path, required=True)
        sub.choices["score"].add_argument("--out", type=Path, required=True)
        sub.choices["score"].add_argument(
            "--reasons", type=Path, help="also write each number's top reasons (JSON lines)"
        )
        sub.choices["cv"].add_argument("--folds", type=int, default=5)
        rules = sub.add_parser("backtest")
        rules.add_argument("--rules", type=Path, required=True, help="JSON list of rules")
        rules.add_argument("--events", type=Path, required=True, help="JSON lines, time-ordered")
        rules.add_argument("--list", action="append", default=[], help="NAME=FILE, one a line")
        rules.add_argument("--outcomes", type=Path, help="CSV subject,confirmed (1 or 0)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except InputError as exc:
            raise CommandError(describe_input(exc)) from None
        except ModelDirError as exc:
            raise CommandError(_("模型目录不可用:%(path)s") % {"path": exc.path}) from None
        except RuleError as exc:
            lines = [f"{p.path or '-'}:{_rule_problem(p.code)} {p.detail}" for p in exc.problems]
            raise CommandError(_("规则定义有误:") + "\n" + "\n".join(lines)) from None
        except EventError as exc:
            raise CommandError(
                _("第 %(n)d 个事件:%(problem)s %(value)s")
                % {"n": exc.index + 1, "problem": _event_problem(exc.problem), "value": exc.value}
            ) from None

    def _train(self, options: dict[str, Any]) -> None:
        table = read_features(options["features"], labels=True)
        model = train(table, _graph(options), seed=options["seed"], rounds=options["rounds"])
        save_model(model, options["model"])
        held = model.metrics["out_of_fold"]
        self.stdout.write(
            _(
                "模型 %(version)s 已保存到 %(dir)s:%(rows)d 个号码,%(n)d 个特征,阈值 %(thr).2f;"
                "训练集内交叉验证 AUC %(auc).4f,F1 %(f1).4f。"
            )
            % {
                "version": model.version,
                "dir": options["model"],
                "rows": model.metrics["rows"],
                "n": len(model.features),
                "thr": model.threshold,
                "auc": held["auc"],
                "f1": held["f1"],
            }
        )

    def _score(self, options: dict[str, Any]) -> None:
        model = load_model(options["model"])
        graph = _graph(options)
        if model.spec.graph and graph is None:
            raise CommandError(_("该模型使用通话图:请给出 --graph 与 --nodes。"))
        table = read_features(options["features"], columns=model.spec.raw, labels=False)
        scores = model.score(table, graph, explain=options.get("reasons") is not None)
        out: Path = options["out"]
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["phone_no_m", "score", "is_fraud"])
            for number, probability, flagged in zip(
                scores.ids, scores.probability, scores.flagged, strict=True
            ):
                writer.writerow([number, f"{probability:.6f}", int(flagged)])
        if options.get("reasons") is not None:
            with Path(options["reasons"]).open("w", encoding="utf-8") as handle:
                for row, number in enumerate(scores.ids):
                    reasons = [reason.as_json() for reason in scores.reasons(row)]
                    handle.write(json.dumps({"phone_no_m": number, "reasons": reasons}) + "\n")
        self.stdout.write(
            _("已评分 %(n)d 个号码,其中 %(k)d 个判为诈骗(模型 %(version)s),结果写入 %(out)s。")
            % {
                "n": len(scores.ids),
                "k": int(scores.flagged.sum()),
                "version": model.version,
                "out": out,
            }
        )

    def _cv(self, options: dict[str, Any]) -> None:
        table = read_features(options["features"], labels=True)
        results = cross_validate(
            table,
            _graph(options),
            folds=options["folds"],
            seed=options["seed"],
            rounds=options["rounds"],
        )
        self.stdout.write(summary_table(results))

    def _backtest(self, options: dict[str, Any]) -> None:
        try:
            definitions = json.loads(Path(options["rules"]).read_text(encoding="utf-8"))
        except OSError:
            raise CommandError(_("找不到文件 %(p)s。") % {"p": options["rules"]}) from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("%(file)s 不是有效的 JSON:第 %(row)d 行 %(col)d 列")
                % {"file": options["rules"], "row": exc.lineno, "col": exc.colno}
            ) from None
        rules = parse_rules(definitions)
        lists = dict(_read_list(spec) for spec in options["list"])
        outcomes = _read_outcomes(options["outcomes"]) if options.get("outcomes") else None
        if not Path(options["events"]).is_file():
            raise CommandError(_("找不到文件 %(p)s。") % {"p": options["events"]})
        report = backtest(rules, _events(options["events"]), lists=lists, outcomes=outcomes)
        self.stdout.write(_("回测了 %(n)d 个事件。") % {"n": report.events})
        self.stdout.write(json.dumps([row.as_dict() for row in report.rules], indent=2))
