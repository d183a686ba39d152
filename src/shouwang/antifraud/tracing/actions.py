"""Every write of fund tracing: save a bank's statement layout, import a statement for a
report, run a trace from one of its transfers, and send freeze requests for the accounts a
trace found. Each checks permission and scope, writes in one transaction and is audited."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.antifraud.actions import RequestItem, do_send_requests
from shouwang.antifraud.choices import ACCOUNT_KINDS, IndicatorKind, RequestSource
from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest, Transfer
from shouwang.antifraud.normalise import luhn_ok
from shouwang.antifraud.tracing.ledger import local_naive, report_transactions, start_time
from shouwang.antifraud.tracing.messages import explain_mapping_error, explain_statement_error
from shouwang.antifraud.tracing.models import (
    Statement,
    StatementMapping,
    Trace,
    TraceRule,
    Transaction,
)
from shouwang.antifraud.tracing.routing import DESK_KINDS, bank_desk
from shouwang.audit.log import record
from shouwang.common.errors import NotPermitted
from shouwang.engines.tracing import (
    ColumnMapping,
    MappingError,
    MatchLimits,
    ParameterError,
    Start,
    StatementErrors,
    read_statement,
    trace,
)
from shouwang.engines.tracing.statements import balance_breaks
from shouwang.orgs.models import Organisation
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import User

MAX_STATEMENT_BYTES = 10 * 1024 * 1024
STATEMENT_SUFFIXES = (".csv", ".xlsx")
MAX_HOPS = 12
MAX_WINDOW_HOURS = 30 * 24
# The match rule's limits as a form offers them: the fee in per cent of what came in.
MAX_MATCH_FEE_PERCENT = 20
MAX_MATCH_SKIPS = 4


@dataclass(frozen=True)
class MatchParameters:
    """How the amount-matching rule pairs an account's money in with its money out: within so
    many hours of the first payment in, at most ``fee_percent`` less going out, ``skips`` of the
    account's other payments left out (``MatchLimits`` in the engine)."""

    within_hours: int = 72
    fee_percent: Decimal = Decimal(3)
    skips: int = 2

    def check(self) -> None:
        errors: dict[str, str] = {}
        if not 1 <= self.within_hours <= MAX_WINDOW_HOURS:
            errors["match_within_hours"] = _("匹配时限应在 1 至 %(n)d 小时之间。") % {
                "n": MAX_WINDOW_HOURS
            }
        if not (self.fee_percent.is_finite() and 0 <= self.fee_percent <= MAX_MATCH_FEE_PERCENT):
            errors["match_fee_percent"] = _("匹配容差应在 0 至 %(n)d%% 之间。") % {
                "n": MAX_MATCH_FEE_PERCENT
            }
        if not 0 <= self.skips <= MAX_MATCH_SKIPS:
            errors["match_skips"] = _("可跳过笔数应在 0 至 %(n)d 之间。") % {"n": MAX_MATCH_SKIPS}
        if errors:
            raise ValidationError(errors)

    def fields(self) -> dict[str, Any]:
        """The ``Trace`` fields that keep these limits (the audit detail names them alike)."""
        return {
            "match_within_hours": self.within_hours,
            "match_fee_percent": self.fee_percent,
            "match_skips": self.skips,
        }

    def limits(self) -> MatchLimits:
        return MatchLimits(
            fee=float(self.fee_percent) / 100,
            within=timedelta(hours=self.within_hours),
            skips=self.skips,
        )


# The statement errors shown at once; a wrong mapping fails every row the same way.
SHOWN_ERRORS = 20


def _check_report(actor: User, report: FraudReport, cap: Cap) -> None:
    if actor.is_outside_party or not actor.can(cap) or not user_covers_unit(actor, report.unit):
        raise NotPermitted(str(cap))


@transaction.atomic
def do_save_mapping(
    organisation: Organisation, data: dict[str, Any], *, actor: User
) -> StatementMapping:
    """Save how ``organisation`` (a bank or payment company) lays out its statements. The
    mapping's ``bank`` is always the organisation's name: imported rows then name the bank
    exactly as the freeze routing looks it up."""
    if actor.is_outside_party or not actor.can(Cap.FRAUD_MANAGE):
        raise NotPermitted(str(Cap.FRAUD_MANAGE))
    if organisation.kind not in DESK_KINDS:
        raise ValidationError({"organisation": _("只能为银行或支付机构设置流水格式。")})
    try:
        mapping = ColumnMapping.from_dict({**data, "bank": organisation.name})
    except MappingError as exc:
        raise ValidationError({exc.field: explain_mapping_error(exc)}) from None
    if not 1 <= mapping.header_row <= 50:
        raise ValidationError({"header_row": _("表头行应在 1 至 50 之间。")})
    if mapping.credit_amount and mapping.direction:
        raise ValidationError({"direction": _("收支分两列时不需要收支方向列。")})
    if mapping.credit_amount and mapping.credit_amount == mapping.amount:
        raise ValidationError({"credit_amount": _("收入金额列应与支出列不同。")})
    saved, created = StatementMapping.objects.update_or_create(
        organisation=organisation,
        defaults={"mapping": mapping.to_dict(), "updated_at": timezone.now(), "updated_by": actor},
    )
    record(
        actor,
        "fraud.statement_mapping_saved",
        saved,
        detail={"organisation": organisation.pk, "created": created, "mapping": saved.mapping},
    )
    return saved


def _read(filename: str, content: bytes, mapping: ColumnMapping) -> Any:
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"statement{suffix}"
        path.write_bytes(content)
        try:
            return read_statement(path, mapping)
        except StatementErrors as exc:
            messages = [explain_statement_error(e) for e in exc.errors[:SHOWN_ERRORS]]
            if len(exc.errors) > SHOWN_ERRORS:
                messages.append(
                    _("另有 %(n)d 处错误未列出。") % {"n": len(exc.errors) - SHOWN_ERRORS}
                )
            raise ValidationError({"file": messages}) from None


@overload
def _cents(value: float) -> Decimal: ...
@overload
def _cents(value: float | None) -> Decimal | None: ...
def _cents(value: float | None) -> Decimal | None:
    """A statement's amount or balance to the fen, as the table keeps money."""
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.01"))


@transaction.atomic
def do_import_statement(
    report: FraudReport,
    *,
    organisation: Organisation,
    filename: str,
    content: bytes,
    actor: User,
) -> Statement:
    """Import one bank statement for ``report``: all rows or none. Every problem is reported
    with its row and column, as the spreadsheet numbers them.

    When the bank's layout has a balance column, each row's balance is kept and the statement
    is checked for continuity: where the balance moves more than the rows explain, rows are
    missing (``balance_breaks``). Such a statement is still imported (it is evidence; the
    investigator asks the bank for the missing rows)."""
    _check_report(actor, report, Cap.TRACE_RUN)
    if len(content) > MAX_STATEMENT_BYTES:
        raise ValidationError(
            {"file": _("文件过大（上限 %(mb)d MB）。") % {"mb": MAX_STATEMENT_BYTES // 2**20}}
        )
    if Path(filename).suffix.lower() not in STATEMENT_SUFFIXES:
        raise ValidationError({"file": _("请上传 CSV 或 Excel（.xlsx）文件。")})
    saved = StatementMapping.objects.filter(organisation=organisation).first()
    if saved is None:
        raise ValidationError(
            {"organisation": _("尚未设置%(bank)s的流水格式。") % {"bank": organisation.name}}
        )
    mapping = ColumnMapping.from_dict({**saved.mapping, "bank": organisation.name})
    table = _read(filename, content, mapping)
    breaks = [
        {"account": b.account, "rows": list(b.rows), "amount": b.amount}
        for b in balance_breaks(table)
    ]
    now = timezone.now()
    statement = Statement.objects.create(
        report=report,
        unit=report.unit,
        organisation=organisation,
        filename=Path(filename).name[:200],
        row_count=table.num_rows,
        imported_at=now,
        imported_by=actor,
        balance_checked=mapping.balance is not None,
        balance_breaks=breaks,
    )
    Transaction.objects.bulk_create(
        [
            Transaction(
                statement=statement,
                report=report,
                unit=report.unit,
                txn_id=row["txn_id"][:100],
                from_account=row["from_account"][:64],
                to_account=row["to_account"][:64],
                amount=_cents(row["amount"]),
                time=timezone.make_aware(row["time"]),
                channel=(row["channel"] or "")[:32],
                bank=(row["bank"] or "")[:100],
                from_balance=_cents(row["from_balance"]),
                to_balance=_cents(row["to_balance"]),
            )
            for row in table.to_pylist()
        ],
        batch_size=2000,
    )
    record(
        actor,
        "fraud.statement_imported",
        statement,
        unit=report.unit,
        detail={
            "report": report.pk,
            "organisation": organisation.pk,
            "rows": table.num_rows,
            "balance_breaks": len(breaks),
        },
    )
    return statement


def _check_parameters(rule: str, max_hops: int, window_hours: int) -> None:
    errors: dict[str, str] = {}
    if rule not in TraceRule.values:
        errors["rule"] = _("无效的追踪规则。")
    if not 1 <= max_hops <= MAX_HOPS:
        errors["max_hops"] = _("层级应在 1 至 %(n)d 之间。") % {"n": MAX_HOPS}
    if not 1 <= window_hours <= MAX_WINDOW_HOURS:
        errors["window_hours"] = _("时间窗口应在 1 至 %(n)d 小时之间。") % {"n": MAX_WINDOW_HOURS}
    if errors:
        raise ValidationError(errors)


def do_run_trace(
    report: FraudReport,
    *,
    transfer: Transfer,
    rule: str = TraceRule.FIFO,
    max_hops: int = 6,
    window_hours: int = 72,
    match: MatchParameters | None = None,
    actor: User,
) -> Trace:
    """Follow the victim's money from ``transfer`` through the report's transactions and save
    the result with its parameters. The engine runs outside the database transaction: it only
    reads, and a slow trace must not hold a write lock (SQLite has one for the whole file)."""
    _check_report(actor, report, Cap.TRACE_RUN)
    if transfer.report_id != report.pk:
        raise ValidationError({"transfer": _("该转账不属于本报案。")})
    _check_parameters(rule, max_hops, window_hours)
    match = (match or MatchParameters()) if rule == TraceRule.MATCH else None
    if match is not None:
        match.check()
    table = report_transactions(report)
    if table.num_rows == 0:
        raise ValidationError({"transfer": _("本案还没有导入银行流水，无法追踪。")})
    account, amount = transfer.to_indicator.value, float(transfer.amount)
    start = Start(account, amount, start_time(table, account, amount, local_naive(transfer.at)))
    try:
        result = trace(
            table,
            start,
            rule=rule,  # type: ignore[arg-type]  # checked against TraceRule above
            max_hops=max_hops,
            window=timedelta(hours=window_hours),
            match=match.limits() if match else None,
        )
    except ParameterError as exc:
        raise ValidationError({exc.name: _("参数无效：%(v)s") % {"v": exc.value}}) from None
    with transaction.atomic():
        saved = Trace.objects.create(
            report=report,
            unit=report.unit,
            transfer=transfer,
            start_account=start.account,
            start_amount=transfer.amount,
            start_time=timezone.make_aware(start.time),
            rule=rule,
            max_hops=max_hops,
            window_hours=window_hours,
            **(match.fields() if match else {}),
            transaction_count=table.num_rows,
            result=result.to_dict(),
            created_at=timezone.now(),
            created_by=actor,
        )
        record(
            actor,
            "fraud.trace_run",
            saved,
            unit=report.unit,
            detail={
                "report": report.pk,
                "transfer": transfer.pk,
                "rule": rule,
                "max_hops": max_hops,
                "window_hours": window_hours,
                **(
                    {**match.fields(), "match_fee_percent": str(match.fee_percent)} if match else {}
                ),
                "flows": len(result.flows),
                "holdings": len(result.holdings),
            },
        )
    return saved


def account_kind(value: str) -> str | None:
    """The indicator kind of a traced account: as a report already named it, else a bank card
    when the number passes the Luhn check, else an account number; None when it is neither
    (a payment company's internal id the centre must handle by hand)."""
    known = (
        Indicator.objects.filter(value=value, kind__in=ACCOUNT_KINDS)
        .values_list("kind", flat=True)
        .first()
    )
    if known:
        return known
    if value.isdigit() and 13 <= len(value) <= 19 and luhn_ok(value):
        return IndicatorKind.BANK_CARD
    if value.isdigit() and 8 <= len(value) <= 32:
        return IndicatorKind.BANK_ACCOUNT
    return None


@transaction.atomic
def do_send_trace_freezes(
    trace_: Trace, *, accounts: list[str], actor: User
) -> list[PartnerRequest]:
    """Freeze requests for the chosen accounts of a trace's freeze list, each for the amount of
    victim money the trace says it holds, to the desk of the bank that holds it, through the
    centre's request flow (``source="trace"``). An account is sent once per trace."""
    report = trace_.report
    _check_report(actor, report, Cap.FRAUD_MANAGE)
    holdings = {h["account"]: h for h in trace_.result.get("holdings", [])}
    chosen = list(dict.fromkeys(a.strip() for a in accounts if a.strip()))
    if not chosen:
        raise ValidationError({"accounts": _("请至少选择一个账户。")})
    errors: list[str] = []
    items: list[RequestItem] = []
    for account in chosen:
        holding = holdings.get(account)
        kind = account_kind(account)
        if holding is None:
            errors.append(_("账户 %(a)s 不在本次追踪的冻结名单中。") % {"a": account})
        elif account in trace_.sent_accounts:
            errors.append(_("账户 %(a)s 已发出过冻结请求。") % {"a": account})
        elif kind is None:
            errors.append(_("账户 %(a)s 不是银行卡号或账号，请线下处理。") % {"a": account})
        else:
            amount = Decimal(f"{holding['amount']:.2f}")
            items.append(RequestItem(kind, account, bank_desk(holding.get("bank")), amount))
    if errors:
        raise ValidationError({"accounts": errors})
    created = do_send_requests(
        items,
        source=RequestSource.TRACE,
        unit=report.unit,
        report=report,
        note=_("资金追踪 %(ref)s") % {"ref": trace_.reference},
        actor=actor,
    )
    trace_.sent_accounts = [*trace_.sent_accounts, *chosen]
    trace_.save(update_fields=["sent_accounts"])
    record(
        actor,
        "fraud.trace_freezes_sent",
        trace_,
        unit=report.unit,
        detail={"accounts": chosen, "requests": [r.pk for r in created]},
    )
    return created
