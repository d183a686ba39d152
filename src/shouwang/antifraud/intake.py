"""What a fraud report carries, checked once for every way it arrives (station desk, 110, the
public form, the API). Errors name the field and, for the repeated parts, the row:
`indicators.2.value`, `transfers.0.amount`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.antifraud.choices import ACCOUNT_KINDS, FraudType, IndicatorKind
from shouwang.antifraud.normalise import normalise, normalise_phone
from shouwang.common.params import iso_datetime, plausible
from shouwang.orgs.choices import OrganisationKind
from shouwang.orgs.models import Organisation

MAX_INDICATORS = 50
MAX_TRANSFERS = 100
MAX_AMOUNT = Decimal("999999999999.99")
INSTITUTION_KINDS = (OrganisationKind.BANK, OrganisationKind.PAYMENT)


@dataclass
class IndicatorInput:
    kind: str
    raw: str
    value: str
    institution: Organisation | None = None
    institution_name: str = ""


@dataclass
class TransferInput:
    to: IndicatorInput
    amount: Decimal
    at: datetime
    from_account: str = ""
    from_institution: str = ""


@dataclass
class ReportInput:
    fraud_type: str
    occurred_at: datetime
    loss_amount: Decimal
    narrative: str = ""
    victim_name: str = ""
    victim_phone: str = ""
    victim_id_number: str = ""
    indicators: list[IndicatorInput] = field(default_factory=list)
    transfers: list[TransferInput] = field(default_factory=list)

    def all_indicators(self) -> list[IndicatorInput]:
        """Every indicator once, those named only as a transfer's receiver included."""
        seen: dict[tuple[str, str], IndicatorInput] = {}
        for ind in [*self.indicators, *(t.to for t in self.transfers)]:
            key = (ind.kind, ind.value)
            if key not in seen or (seen[key].institution is None and ind.institution):
                seen[key] = ind
        return list(seen.values())


class _Errors:
    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, key: str, error: ValidationError | str) -> None:
        messages = error.messages if isinstance(error, ValidationError) else [error]
        self.errors.setdefault(key, []).extend(messages)

    def merge(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            self.errors.setdefault(key, []).extend(messages)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _text(data: Mapping[str, Any], key: str, limit: int, errors: _Errors, prefix: str = "") -> str:
    value = data.get(key)
    text = "" if value is None else str(value).strip()
    if len(text) > limit:
        errors.add(prefix + key, _("不能超过 %(n)d 个字符。") % {"n": limit})
    return text[:limit]


def parse_phone(value: Any, key: str, errors: _Errors) -> str:
    """A person's phone number, checked and stored as the phone indicators are (E.164), so that
    the number police call back is one that can be dialled; "" when none is given."""
    text = "" if value is None else str(value).strip()
    if not text:
        return ""
    if len(text) > 32:
        errors.add(key, _("不能超过 %(n)d 个字符。") % {"n": 32})
        return ""
    try:
        return normalise_phone(text)
    except ValidationError as exc:
        errors.add(key, exc)
        return ""


def parse_contact_phone(value: Any, errors: _Errors) -> str:
    """The public form's contact phone: required, as it is how police reach the citizen."""
    if value is None or not str(value).strip():
        errors.add("contact_phone", _("请留下联系电话,以便民警与您核实。"))
        return ""
    return parse_phone(value, "contact_phone", errors)


def parse_amount(value: Any, key: str, errors: _Errors, *, required: bool = True) -> Decimal:
    if value is None or str(value).strip() == "":
        if required:
            errors.add(key, _("请填写金额。"))
        return Decimal(0)
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        errors.add(key, _("金额“%(v)s”不是数字。") % {"v": str(value)[:20]})
        return Decimal(0)
    if not amount.is_finite():
        errors.add(key, _("金额“%(v)s”不是数字。") % {"v": str(value)[:20]})
        return Decimal(0)
    if amount < 0:
        errors.add(key, _("金额不能为负数。"))
    elif amount > MAX_AMOUNT:
        errors.add(key, _("金额过大。"))
    elif amount != amount.quantize(Decimal("0.01")):
        errors.add(key, _("金额最多保留两位小数。"))
    else:
        return amount.quantize(Decimal("0.01"))
    return Decimal(0)


def parse_time(value: Any, key: str, errors: _Errors) -> datetime:
    now = timezone.now()
    if isinstance(value, datetime):
        parsed: datetime | None = value
    else:
        text = str(value or "").strip()
        if not text:
            errors.add(key, _("请填写时间。"))
            return now
        parsed = iso_datetime(text)
    if parsed is None or not plausible(parsed):
        errors.add(key, _("时间“%(v)s”格式不正确。") % {"v": str(value)[:30]})
        return now
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > now + timedelta(minutes=5):
        errors.add(key, _("时间不能晚于现在。"))
    return parsed


def _institution_id(value: Any) -> int | None:
    """The id a form or API gives for an institution; -1 for one that is not a number."""
    if value in (None, ""):
        return None
    if isinstance(value, Organisation):
        return int(value.pk)
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _resolve_institutions(pending: list[tuple[IndicatorInput, int, str]], errors: _Errors) -> None:
    """Give each account its partner bank or payment company, read in one query for the whole
    report; an id that is not one of them is an error on that row's field."""
    if not pending:
        return
    ids = {org_id for _, org_id, _ in pending if org_id > 0}
    found = {
        org.pk: org
        for org in Organisation.objects.filter(pk__in=ids, kind__in=INSTITUTION_KINDS).only(
            "pk", "kind", "name"
        )
    }
    for ind, org_id, key in pending:
        org = found.get(org_id)
        if org is None:
            errors.add(key, _("请选择合作银行或支付机构。"))
        else:
            ind.institution = org
            ind.institution_name = org.name


def _indicator(
    item: Mapping[str, Any],
    prefix: str,
    errors: _Errors,
    pending: list[tuple[IndicatorInput, int, str]],
) -> IndicatorInput | None:
    """One indicator checked and normalised; an account's institution is queued in `pending`
    for `_resolve_institutions`."""
    kind = str(item.get("kind") or "").strip()
    raw = str(item.get("value") or "").strip()
    if kind not in IndicatorKind.values:
        errors.add(prefix + "kind", _("请选择线索类型。"))
        return None
    if not raw:
        errors.add(prefix + "value", _("请填写线索内容。"))
        return None
    if len(raw) > 300:
        errors.add(prefix + "value", _("不能超过 %(n)d 个字符。") % {"n": 300})
        return None
    try:
        value = normalise(kind, raw).value
    except ValidationError as exc:
        errors.add(prefix + "value", exc)
        return None
    parsed = IndicatorInput(kind, raw, value)
    if kind in ACCOUNT_KINDS:
        parsed.institution_name = _text(item, "institution_name", 100, errors, prefix)
        org_id = _institution_id(item.get("institution"))
        if org_id is not None:
            pending.append((parsed, org_id, prefix + "institution"))
    return parsed


def parse_report(data: Mapping[str, Any]) -> ReportInput:
    """Check a report as submitted; raises ValidationError naming every bad field at once."""
    errors = _Errors()
    pending: list[tuple[IndicatorInput, int, str]] = []
    fraud_type = str(data.get("fraud_type") or "")
    if fraud_type not in FraudType.values:
        errors.add("fraud_type", _("请选择诈骗类型。"))
    occurred_at = parse_time(data.get("occurred_at"), "occurred_at", errors)
    loss = parse_amount(data.get("loss_amount"), "loss_amount", errors, required=False)
    indicators: list[IndicatorInput] = []
    raw_indicators = list(data.get("indicators") or [])
    if len(raw_indicators) > MAX_INDICATORS:
        errors.add("indicators", _("线索最多 %(n)d 条。") % {"n": MAX_INDICATORS})
    for i, item in enumerate(raw_indicators[:MAX_INDICATORS]):
        parsed = _indicator(item, f"indicators.{i}.", errors, pending)
        if parsed is not None:
            indicators.append(parsed)
    transfers: list[TransferInput] = []
    raw_transfers = list(data.get("transfers") or [])
    if len(raw_transfers) > MAX_TRANSFERS:
        errors.add("transfers", _("转账记录最多 %(n)d 条。") % {"n": MAX_TRANSFERS})
    for i, item in enumerate(raw_transfers[:MAX_TRANSFERS]):
        prefix = f"transfers.{i}."
        to = _indicator(
            {
                "kind": item.get("to_kind") or IndicatorKind.BANK_CARD,
                "value": item.get("to_account"),
                "institution": item.get("to_institution"),
                "institution_name": item.get("to_institution_name"),
            },
            prefix + "to_",
            errors,
            pending,
        )
        if to is not None and to.kind not in ACCOUNT_KINDS:
            errors.add(prefix + "to_kind", _("收款方必须是银行卡、对公账户或支付账户。"))
        amount = parse_amount(item.get("amount"), prefix + "amount", errors)
        if amount == 0 and prefix + "amount" not in errors.errors:
            errors.add(prefix + "amount", _("转账金额必须大于零。"))
        at = parse_time(item.get("at"), prefix + "at", errors)
        if to is not None:
            transfers.append(
                TransferInput(
                    to=to,
                    amount=amount,
                    at=at,
                    from_account=_text(item, "from_account", 64, errors, prefix),
                    from_institution=_text(item, "from_institution", 100, errors, prefix),
                )
            )
    _resolve_institutions(pending, errors)
    if not indicators and not transfers:
        errors.add("indicators", _("请至少填写一条线索或一笔转账。"))
    if transfers and sum((t.amount for t in transfers), Decimal(0)) > loss:
        loss = max(loss, sum((t.amount for t in transfers), Decimal(0)))
    report = ReportInput(
        fraud_type=fraud_type,
        occurred_at=occurred_at,
        loss_amount=loss,
        narrative=_text(data, "narrative", 4000, errors),
        victim_name=_text(data, "victim_name", 50, errors),
        victim_phone=parse_phone(data.get("victim_phone"), "victim_phone", errors),
        victim_id_number=_text(data, "victim_id_number", 32, errors),
        indicators=indicators,
        transfers=transfers,
    )
    errors.raise_if_any()
    return report


def parse_public_report(data: Mapping[str, Any]) -> tuple[ReportInput, str]:
    """The public form: the report and the citizen's contact phone. Every problem of the
    submission is raised together, so a citizen is not sent back once per field."""
    errors = _Errors()
    phone = parse_contact_phone(data.get("contact_phone"), errors)
    report: ReportInput | None = None
    try:
        report = parse_report(data)
    except ValidationError as exc:
        errors.merge(exc)
    errors.raise_if_any()
    assert report is not None
    return report, phone


def form_data(post: Mapping[str, Any]) -> dict[str, Any]:
    """The HTML form's flat fields (`indicator-0-kind`, `transfer-1-amount`) as parse_report's
    nested data. Blank rows are dropped: the form shows spare rows."""
    data: dict[str, Any] = {
        k: post.get(k, "")
        for k in (
            "fraud_type",
            "occurred_at",
            "loss_amount",
            "narrative",
            "victim_name",
            "victim_phone",
            "victim_id_number",
        )
    }

    def rows(prefix: str, fields: tuple[str, ...], required: str) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for n in range(200):
            row = {f: str(post.get(f"{prefix}-{n}-{f}", "")).strip() for f in fields}
            if not any(row.values()) and f"{prefix}-{n}-{required}" not in post:
                break
            if row[required]:
                found.append(row)
        return found

    data["indicators"] = rows(
        "indicator", ("kind", "value", "institution", "institution_name"), "value"
    )
    data["transfers"] = rows(
        "transfer",
        (
            "to_kind",
            "to_account",
            "to_institution",
            "to_institution_name",
            "amount",
            "at",
            "from_account",
            "from_institution",
        ),
        "to_account",
    )
    return data
