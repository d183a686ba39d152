"""The generated city must be indistinguishable from one made through the actions."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import h3
import pytest
import time_machine
from django.core.management import call_command
from django.test import Client

from shouwang.antifraud.warning.models import (
    BlockProposal,
    NumberScore,
    WarningEvent,
    WarningTask,
)
from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import do_scan_overdue, sla_hours
from shouwang.cases.choices import OPEN_STATES, CaseAction, CaseState
from shouwang.cases.models import CaseTransition, Evidence
from shouwang.demo.generate import load_demo
from shouwang.demo.geo import is_connected
from shouwang.demo.logins import demo_logins, logins_table
from shouwang.demo.people import DEMO_PASSWORD, WELL_KNOWN
from shouwang.demo.plan import SMALL_SHAPE
from shouwang.hazards.choices import CheckResult, HazardSource, PremisesType
from shouwang.hazards.models import Campaign, CampaignCheck, Hazard, Premises
from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.models import GridCell, Organisation, Unit, User
from shouwang.orgs.scoping import user_covers_unit

NOW = datetime(2026, 6, 15, 2, 30, tzinfo=UTC)
# Moves that change the state (evidence and escalations leave it as it is).
MOVES = {
    CaseAction.REGISTER,
    CaseAction.GRADE,
    CaseAction.ASSIGN,
    CaseAction.SUBMIT,
    CaseAction.REJECT,
    CaseAction.VERIFY,
    CaseAction.CANCEL,
}


@pytest.fixture
def demo(db: None) -> datetime:
    """The hazard year alone: incidents and fraud reports have their own tests below."""
    with time_machine.travel(NOW, tick=False):
        load_demo(seed=11, scale=1.0, shape=SMALL_SHAPE, incidents=False, fraud=False)
    return NOW


def test_it_makes_the_hazards_asked_for_in_every_state(demo: datetime) -> None:
    assert Hazard.objects.count() == 2000
    states = Counter(Hazard.objects.values_list("state", flat=True))
    assert set(states) == set(CaseState.values)
    assert states[CaseState.CLOSED] > states[CaseState.ASSIGNED] > states[CaseState.CANCELLED]
    assert Hazard.objects.filter(is_overdue=True, escalation_level__gte=1).exists()


def test_the_mix_follows_the_seeds(demo: datetime) -> None:
    categories = Counter(Hazard.objects.values_list("category", flat=True))
    assert 0.78 < categories["production"] / 2000 < 0.92
    campaign = Counter(
        Hazard.objects.filter(source=HazardSource.CAMPAIGN).values_list("category", flat=True)
    )
    assert campaign["fire"] / sum(campaign.values()) > 0.3
    grades = Counter(Hazard.objects.exclude(grade="").values_list("grade", flat=True))
    assert grades["general"] > grades["significant"] > grades["major"] > 0
    closed = Hazard.objects.filter(state=CaseState.CLOSED)
    days = sorted(
        (h.closed_at - h.created_at).total_seconds() / 86400 for h in closed if h.closed_at
    )
    assert 3 < days[len(days) // 2] < 10


def test_every_hazard_keeps_the_lifecycle_invariants(demo: datetime) -> None:
    now = demo
    grid_of_cell = dict(GridCell.objects.values_list("cell", "unit_id"))
    units = {u.pk: u for u in Unit.objects.all()}
    users = {u.pk: u for u in User.objects.select_related("unit")}
    history: dict[int, list[CaseTransition]] = {}
    for t in CaseTransition.objects.order_by("at", "id"):
        history.setdefault(t.case_id, []).append(t)
    for h in Hazard.objects.all():
        unit = units[h.unit_id]
        assert h.kind == "hazard" and unit.kind == UnitKind.GRID
        assert h.h3_cell == h3.latlng_to_cell(h.lat, h.lon, 8)
        assert grid_of_cell[h.h3_cell] == h.unit_id
        assert h.found_at <= h.created_at <= now
        assert h.created_by_id is not None
        assert user_covers_unit(users[h.created_by_id], unit)
        if h.graded_at is None:
            assert h.grade == "" and h.deadline is None
        else:
            assert h.deadline == h.graded_at + timedelta(hours=sla_hours("hazard", h.grade)[0])
        if h.assigned_at is not None:
            assert h.graded_at is not None and h.assigned_at >= h.graded_at
            assert [h.assignee_unit_id, h.assignee_user_id, h.assignee_org_id].count(None) == 2
            assert h.requirement
        if h.state in {CaseState.SUBMITTED, CaseState.CLOSED}:
            assert h.submitted_at is not None and h.assigned_at is not None
            assert h.submitted_at > h.assigned_at
            assert Evidence.objects.filter(case=h, stage="after", uploaded_at__lte=h.submitted_at)
        if h.state == CaseState.CLOSED:
            assert h.closed_at is not None and h.submitted_at is not None
            assert h.closed_at > h.submitted_at and not h.is_overdue
            assert h.closed_by_id not in {h.submitted_by_id, h.assignee_user_id}
        else:
            assert h.closed_at is None
        assert bool(h.cancel_reason) == (h.state == CaseState.CANCELLED)
        if h.escalation_level:
            chain = list(unit.ancestors().exclude(pk=unit.pk))
            assert h.escalated_to_id == chain[-h.escalation_level].pk
            assert h.deadline is not None and h.deadline < now
        else:
            assert h.escalated_to_id is None and not h.is_overdue
        if h.is_overdue:
            assert h.state in OPEN_STATES or h.state == CaseState.CANCELLED
        steps = history[h.pk]
        assert steps[0].action == CaseAction.REGISTER and steps[0].at == h.created_at
        state = ""
        for step in steps:
            assert step.from_state == state
            if step.action in MOVES:
                state = step.to_state
            else:
                assert step.to_state == state
        assert state == h.state
        assert h.updated_at == max(s.at for s in steps if s.action in MOVES)
        assert all(s.at <= now for s in steps)


def test_each_transition_has_its_audit_row(demo: datetime) -> None:
    transitions = Counter(
        (t.case_id, t.action)
        for t in CaseTransition.objects.filter(case__kind="hazard").only("case_id", "action")
    )
    audited: Counter[tuple[int, str]] = Counter()
    for row in AuditEvent.objects.filter(object_type__in=["hazards.hazard", "cases.case"]):
        action = row.action.split(".", 1)[1]
        audited[(int(row.object_id), action)] += 1
    assert audited == transitions
    escalations = AuditEvent.objects.filter(action="case.escalate")
    assert escalations.exists() and not escalations.exclude(channel="job").exists()


def test_the_overdue_scan_finds_nothing_left_to_do(demo: datetime) -> None:
    assert do_scan_overdue(now=demo) == 0


def test_campaign_hazards_come_from_checks_that_found_them(demo: datetime) -> None:
    assert Campaign.objects.count() == 3
    for h in Hazard.objects.filter(source=HazardSource.CAMPAIGN):
        check = CampaignCheck.objects.get(campaign=h.campaign_id, premises=h.premises_id)
        assert check.result == CheckResult.HAZARDS
        assert check.checked_at <= h.found_at
    for check in CampaignCheck.objects.filter(result=CheckResult.HAZARDS):
        assert Hazard.objects.filter(campaign=check.campaign, premises=check.premises).exists()


def test_the_city_has_every_kind_of_thing_and_grids_are_contiguous(demo: datetime) -> None:
    assert set(Premises.objects.values_list("type", flat=True)) == set(PremisesType.values)
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {OrganisationKind.COMPANY, OrganisationKind.BANK, OrganisationKind.CARRIER} <= kinds
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert Unit.objects.filter(kind=UnitKind.CENTRE).count() == 1
    for unit in Unit.objects.filter(kind__in=[UnitKind.GRID, UnitKind.DISTRICT]):
        cells = GridCell.objects.filter(unit__path__startswith=unit.path)
        assert is_connected(sorted(cells.values_list("cell", flat=True)))
    company = Organisation.objects.exclude(credit_code="").first()
    assert company is not None and len(company.credit_code) == 18


def test_the_demo_logins_work_and_see_their_own_work(demo: datetime) -> None:
    assert [login.username for login in demo_logins()] == list(WELL_KNOWN)
    assert all(name in logins_table() for name in WELL_KNOWN)
    for name in WELL_KNOWN:
        assert Client().login(username=name, password=DEMO_PASSWORD), name
    company = User.objects.get(username="company")
    assert Hazard.objects.filter(assignee_org=company.organisation_id).count() >= 5
    chief = User.objects.get(username="chief")
    assert chief.unit is not None
    assert Hazard.objects.filter(unit__path__startswith=chief.unit.path).count() > 50


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_the_same_seed_gives_the_same_rows() -> None:
    def snapshot() -> dict[str, list[tuple[object, ...]]]:
        tables: dict[str, list[tuple[object, ...]]] = {}
        for model in (Unit, Organisation, Premises, Campaign, CampaignCheck, Hazard):
            tables[model.__name__] = list(model.objects.order_by("pk").values_list())
        tables["User"] = list(User.objects.order_by("pk").values_list("username", "role"))
        tables["Transition"] = list(CaseTransition.objects.order_by("pk").values_list())
        tables["Evidence"] = list(Evidence.objects.order_by("pk").values_list())
        tables["Audit"] = list(AuditEvent.objects.order_by("pk").values_list())
        for warned in (WarningEvent, WarningTask, BlockProposal, NumberScore):
            tables[warned.__name__] = list(warned.objects.order_by("pk").values_list())
        return tables

    with time_machine.travel(NOW, tick=False):
        load_demo(seed=5, scale=0.1, shape=SMALL_SHAPE)
        first = snapshot()
        call_command("flush", interactive=False, verbosity=0)
        load_demo(seed=5, scale=0.1, shape=SMALL_SHAPE)
        again = snapshot()
    assert first["Hazard"] and first["WarningTask"] and first == again


@pytest.mark.django_db
def test_the_demo_centre_has_reports_requests_answers_and_no_overdue_work() -> None:
    from shouwang.antifraud.choices import RequestState
    from shouwang.antifraud.models import FraudReport, Indicator, PartnerRequest

    with time_machine.travel(NOW, tick=False):
        load_demo(seed=11, scale=0.2, shape=SMALL_SHAPE, incidents=False)
        reports = FraudReport.objects.all()
        assert reports.count() >= 30
        assert reports.filter(accepted_at__isnull=True, channel="public").count() == 3
        assert reports.filter(state=CaseState.CLOSED).exists()
        states = set(PartnerRequest.objects.values_list("state", flat=True))
        assert {RequestState.DONE, RequestState.SENT} <= states
        assert PartnerRequest.objects.filter(amount_frozen__gt=0).exists()
        assert Indicator.objects.filter(report_count__gte=2).exists()  # reused mule accounts
        assert Indicator.objects.filter(confirmed_at__isnull=False).exists()
        assert all(r.created_at <= NOW for r in reports)
        assert do_scan_overdue(now=NOW) == 0


@pytest.mark.django_db
def test_the_demo_has_a_year_of_incidents() -> None:
    from shouwang.incidents.models import Incident

    with time_machine.travel(NOW, tick=False):
        load_demo(seed=11, scale=0.2, shape=SMALL_SHAPE, fraud=False)
    assert Incident.objects.count() >= 1500
    first = Incident.objects.order_by("occurred_at").first()
    assert first is not None and (NOW - first.occurred_at).days > 300
