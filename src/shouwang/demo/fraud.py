"""Three months of fraud reports for the demo city, registered through the anti-fraud actions
(so every report has its indicators, requests and audit rows exactly as a real one), then moved
back to the time each one happened. Some mule accounts and numbers recur across reports, so the
centre's clusters and linked reports have something to show; partner desks have answered most
requests, a few are late, and some public reports wait for the centre."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from random import Random

from django.db.models import F

from shouwang.antifraud.actions import (
    do_answer_request,
    do_confirm_indicator,
    do_register_report,
    do_submit_public_report,
)
from shouwang.antifraud.choices import FraudType, ReportChannel, RequestType
from shouwang.antifraud.intake import parse_report
from shouwang.antifraud.models import FraudReport, Indicator
from shouwang.antifraud.normalise import with_luhn
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_close_case
from shouwang.cases.choices import CaseAction
from shouwang.cases.models import CaseTransition
from shouwang.demo.names import mobile, person
from shouwang.demo.people import DEMO_PASSWORD
from shouwang.notices.models import Notice
from shouwang.orgs.actions import do_create_organisation, do_create_user
from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.models import Organisation, Unit, User

REPORTS_PER_SCALE = 150
# Reports are closed (结案) this many days after they came in, before their 30-day deadline.
CLOSE_AFTER_DAYS = 20
DAYS = 90
PAYMENT_PARTNERS = (
    ("支付宝(中国)网络技术有限公司", "desk_alipay"),
    ("财付通支付科技有限公司", "desk_tenpay"),
)
# Shares of the national taxonomy in reported cases (order of magnitude from public bulletins).
TYPE_WEIGHTS = {
    FraudType.ORDER_BRUSHING: 22,
    FraudType.INVESTMENT: 18,
    FraudType.LOAN: 12,
    FraudType.FAKE_SUPPORT: 12,
    FraudType.FAKE_AUTHORITY: 6,
    FraudType.CREDIT: 8,
    FraudType.GAME_TRADE: 6,
    FraudType.ROMANCE: 6,
    FraudType.FAKE_BOSS: 5,
    FraudType.FAKE_MILITARY: 2,
    FraudType.OTHER: 3,
}
CARD_BINS = ("622202", "621700", "622848", "621799", "623668")


def _card(rng: Random) -> str:
    return with_luhn(rng.choice(CARD_BINS) + f"{rng.randrange(10**12):012d}")


def _partners() -> None:
    for name, username in PAYMENT_PARTNERS:
        org = do_create_organisation(name=name, kind=OrganisationKind.PAYMENT, actor=None)
        do_create_user(
            username=username,
            password=DEMO_PASSWORD,
            role=Role.PARTNER_DESK,
            organisation=org,
            display_name=person(Random(username)),
            actor=None,
        )


def partner_desks() -> dict[int, User]:
    """The first desk user of each partner organisation, by organisation id."""
    return {
        u.organisation_id: u
        for u in User.objects.filter(role=Role.PARTNER_DESK).order_by("pk")
        if u.organisation_id
    }


def _shift(report: FraudReport, at: datetime) -> None:
    """Move a report registered just now back to `at`, with everything it wrote."""
    delta = report.created_at - at
    FraudReport.objects.filter(pk=report.pk).update(
        created_at=F("created_at") - delta,
        graded_at=F("graded_at") - delta,
        deadline=F("deadline") - delta,
        accepted_at=F("accepted_at") - delta,
        requests_sent_at=F("requests_sent_at") - delta,
        occurred_at=F("occurred_at") - delta,
    )
    report.transfers.update(at=F("at") - delta)
    CaseTransition.objects.filter(case_id=report.pk).update(at=F("at") - delta)
    report.requests.update(created_at=F("created_at") - delta, deadline=F("deadline") - delta)
    requests = [str(pk) for pk in report.requests.values_list("pk", flat=True)]
    ids = [str(report.pk), *requests]
    Notice.objects.filter(
        cause__in=[f"case:{report.pk}", *(f"request:{pk}" for pk in requests)]
    ).update(created_at=F("created_at") - delta, read_at=F("read_at") - delta)
    AuditEvent.objects.filter(
        object_type__in=["antifraud.fraudreport", "antifraud.partnerrequest"], object_id__in=ids
    ).update(at=F("at") - delta)


def _date_closure(report: FraudReport, closed_at: datetime) -> None:
    FraudReport.objects.filter(pk=report.pk).update(closed_at=closed_at, updated_at=closed_at)
    CaseTransition.objects.filter(case_id=report.pk, action=CaseAction.CLOSE).update(at=closed_at)
    AuditEvent.objects.filter(
        object_type="antifraud.fraudreport", object_id=str(report.pk), action="case.close"
    ).update(at=closed_at)


def make_fraud(rng: Random, now: datetime, scale: float) -> int:
    """Write the reports; returns how many."""
    _partners()
    stations = list(Unit.objects.filter(kind=UnitKind.STATION).order_by("code"))
    officers = {
        s.pk: User.objects.filter(unit__path__startswith=s.path, role=Role.STATION_CHIEF).first()
        for s in stations
    }
    banks = list(Organisation.objects.filter(kind=OrganisationKind.BANK).order_by("pk"))
    payments = list(Organisation.objects.filter(kind=OrganisationKind.PAYMENT).order_by("pk"))
    desks = partner_desks()
    analyst = User.objects.filter(role=Role.FRAUD_ANALYST).order_by("pk").first()
    # Mule accounts and numbers used against several victims.
    mules = [(_card(rng), rng.choice(banks)) for _ in range(12)]
    spoofers = [mobile(rng) for _ in range(10)]
    types = list(TYPE_WEIGHTS)
    weights = list(TYPE_WEIGHTS.values())
    total = max(round(REPORTS_PER_SCALE * scale), 10)
    written = 0
    for n in range(total):
        station = rng.choice(stations)
        officer = officers.get(station.pk)
        if officer is None:
            continue
        at = now - timedelta(days=DAYS * (1 - n / total), minutes=rng.randrange(600))
        phones = [rng.choice(spoofers) if rng.random() < 0.3 else mobile(rng)]
        if rng.random() < 0.4:
            phones.append(mobile(rng))
        transfers: list[dict[str, object]] = []
        for k in range(rng.choice((1, 1, 2, 2, 3))):
            if rng.random() < 0.25:
                account, bank = rng.choice(mules)
                transfers.append(
                    {"to_kind": "bank_card", "to_account": account, "to_institution": bank.pk}
                )
            elif payments and rng.random() < 0.2:
                transfers.append(
                    {
                        "to_kind": "alipay",
                        "to_account": mobile(rng),
                        "to_institution": payments[0].pk,
                    }
                )
            else:
                transfers.append(
                    {
                        "to_kind": "bank_card",
                        "to_account": _card(rng),
                        "to_institution": rng.choice(banks).pk,
                    }
                )
            amount = Decimal(rng.choice((800, 2000, 5000, 9800, 20000, 50000, 120000)))
            transfers[-1].update(
                amount=str(amount + rng.randrange(100)),
                at=(now - timedelta(minutes=30 + 20 * k)).isoformat(),
            )
        loss = sum((Decimal(str(t["amount"])) for t in transfers), Decimal(0))
        data = parse_report(
            {
                "fraud_type": rng.choices(types, weights)[0],
                "occurred_at": (now - timedelta(hours=2)).isoformat(),
                "loss_amount": str(loss),
                "victim_name": person(rng),
                "victim_phone": mobile(rng),
                "narrative": "",
                "indicators": [{"kind": "phone", "value": p} for p in phones],
                "transfers": transfers,
            }
        )
        channel = rng.choice((ReportChannel.DESK, ReportChannel.CALL_110))
        report = do_register_report(data, channel=channel, unit=station, actor=officer)
        recent = n >= total - 3
        for req in report.requests.select_related("organisation"):
            desk = desks.get(req.organisation_id) if req.organisation_id else None
            if desk is None or (recent and rng.random() < 0.7) or rng.random() < 0.08:
                continue  # still open: the last few hours' reports and some stragglers
            if rng.random() < 0.85:
                frozen = None
                if req.type == RequestType.FREEZE and req.amount_requested is not None:
                    share = Decimal(rng.choice((0, 30, 60, 90, 100))) / 100
                    frozen = str((req.amount_requested * share).quantize(Decimal("0.01")))
                do_answer_request(req, done=True, amount_frozen=frozen, actor=desk)
            else:
                do_answer_request(req, done=False, failure_reason="账户已销户", actor=desk)
        old = at < now - timedelta(days=CLOSE_AFTER_DAYS + 5)
        if old and analyst is not None:
            do_close_case(report, note="已止付冻结,移交侦查部门", actor=analyst)
        if not recent:
            _shift(report, at)
            if old:
                _date_closure(report, at + timedelta(days=CLOSE_AFTER_DAYS))
            minutes = timedelta(minutes=rng.randrange(3, 40))
            report.requests.filter(answered_at__isnull=False).update(
                answered_at=F("created_at") + minutes
            )
        written += 1
    if analyst is not None:
        for value in {*(m[0] for m in mules[:6]), *spoofers[:5]}:
            ind = Indicator.objects.filter(value__endswith=value[-11:]).first()
            if ind is not None and ind.confirmed_at is None:
                do_confirm_indicator(ind, note="多起报案查实", actor=analyst)
    for _ in range(3):
        data = parse_report(
            {
                "fraud_type": FraudType.FAKE_SUPPORT,
                "occurred_at": (now - timedelta(hours=1)).isoformat(),
                "loss_amount": "3600",
                "indicators": [
                    {"kind": "phone", "value": mobile(rng)},
                    {"kind": "domain", "value": "https://kefu-tuikuan.example.cn/a"},
                ],
            }
        )
        do_submit_public_report(data, contact_phone=mobile(rng))
        written += 1
    return written
