from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shouwang.audit.models import AuditEvent
from shouwang.cases.actions import (
    do_add_evidence,
    do_cancel_case,
    do_grade_case,
    do_reject_case,
    do_reopen_case,
    do_submit_case,
    do_verify_case,
)
from shouwang.cases.choices import CaseState, EvidenceStage
from shouwang.cases.models import SlaRule
from shouwang.common.errors import ActionError, NotPermitted
from shouwang.common.testing import POINT_A, POINT_B, Cast, make_jpeg
from shouwang.hazards.actions import do_assign_hazard, do_register_hazard
from shouwang.hazards.choices import HazardCategory, HazardGrade
from shouwang.hazards.models import Hazard


def photo(name: str = "p.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_jpeg(), content_type="image/jpeg")


def register(cast: Cast, **kwargs: object) -> Hazard:
    defaults: dict[str, object] = dict(
        actor=cast.bob,
        title="消防通道堵塞",
        category=HazardCategory.FIRE,
        description="仓库后门消防通道堆放纸箱",
        lat=POINT_A[0],
        lon=POINT_A[1],
    )
    defaults.update(kwargs)
    return do_register_hazard(**defaults)  # type: ignore[arg-type]


def test_it_registers_a_hazard_in_the_grid_of_the_map_click(cast: Cast) -> None:
    hazard = register(cast, photos=[photo()])
    assert hazard.unit == cast.grid_a
    assert hazard.state == CaseState.REGISTERED
    assert hazard.evidence.filter(stage=EvidenceStage.BEFORE).count() == 1
    assert hazard.reference == f"YH{hazard.pk:07d}"
    assert AuditEvent.objects.filter(action="hazard.register", object_id=str(hazard.pk)).exists()


def test_it_rejects_a_location_outside_the_actors_jurisdiction(cast: Cast) -> None:
    with pytest.raises(ValidationError) as err:
        register(cast, lat=POINT_B[0], lon=POINT_B[1])
    assert "unit" in err.value.message_dict
    assert not Hazard.objects.exists()


def test_it_rejects_a_point_outside_the_chosen_grid(cast: Cast) -> None:
    with pytest.raises(ValidationError) as err:
        register(cast, actor=cast.alice, unit=cast.grid_a, lat=POINT_B[0], lon=POINT_B[1])
    assert "lat" in err.value.message_dict


def test_it_writes_nothing_when_a_photo_is_not_an_image(cast: Cast) -> None:
    fake = SimpleUploadedFile("x.jpg", b"MZ\x90\x00 not a jpeg", content_type="image/jpeg")
    with pytest.raises(ValidationError):
        register(cast, photos=[fake])
    assert not Hazard.objects.exists()
    assert not AuditEvent.objects.filter(action="hazard.register").exists()


def test_it_rejects_an_oversize_file(cast: Cast, settings: object) -> None:
    settings.EVIDENCE_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as err:
        register(cast, photos=[photo()])
    assert err.value.code == "too_large"


def test_outside_parties_cannot_register(cast: Cast) -> None:
    with pytest.raises(NotPermitted):
        register(cast, actor=cast.erin)


def test_the_whole_loop_closes_the_hazard(cast: Cast) -> None:
    hazard = register(cast)
    with pytest.raises(NotPermitted):
        do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.bob)
    do_grade_case(hazard, grade=HazardGrade.SIGNIFICANT, actor=cast.alice)
    assert hazard.deadline is not None
    hours = (hazard.deadline - timezone.now()).total_seconds() / 3600
    assert 15 * 24 - 1 < hours <= 15 * 24
    do_assign_hazard(hazard, requirement="清理通道", organisation=cast.company, actor=cast.alice)
    assert hazard.state == CaseState.ASSIGNED
    with pytest.raises(ValidationError):
        do_submit_case(hazard, actor=cast.erin)  # no "after" evidence yet
    with pytest.raises(NotPermitted):
        do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.charlie)
    do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(hazard, note="已清理", actor=cast.erin)
    assert hazard.state == CaseState.SUBMITTED
    do_verify_case(hazard, note="现场核查已清理", actor=cast.carol)
    hazard.refresh_from_db()
    assert hazard.state == CaseState.CLOSED
    assert hazard.closed_by == cast.carol
    actions = list(hazard.transitions.values_list("action", flat=True))
    assert actions == ["register", "grade", "assign", "evidence", "submit", "verify"]


def test_the_rectifier_cannot_verify_their_own_work(cast: Cast) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="整改", user=cast.carol, actor=cast.alice)
    do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.carol)
    do_submit_case(hazard, actor=cast.carol)
    with pytest.raises(ValidationError) as err:
        do_verify_case(hazard, actor=cast.carol)
    assert err.value.code == "not_independent"
    do_reject_case(hazard, note="照片不清晰", actor=cast.bob)
    assert hazard.state == CaseState.ASSIGNED


def test_a_stale_state_loses_the_race(cast: Cast) -> None:
    hazard = register(cast)
    stale = Hazard.objects.get(pk=hazard.pk)
    do_cancel_case(hazard, reason="重复登记", actor=cast.alice)
    with pytest.raises(ActionError):
        do_grade_case(stale, grade=HazardGrade.GENERAL, actor=cast.alice)


def test_reopen_after_close_sets_a_new_deadline(cast: Cast) -> None:
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.alice)
    do_assign_hazard(hazard, requirement="整改", organisation=cast.company, actor=cast.alice)
    do_add_evidence(hazard, upload=photo(), stage=EvidenceStage.AFTER, actor=cast.erin)
    do_submit_case(hazard, actor=cast.erin)
    do_verify_case(hazard, actor=cast.bob)
    with pytest.raises(ValidationError):
        do_reopen_case(hazard, note="", actor=cast.alice)
    do_reopen_case(hazard, note="回访发现复发", actor=cast.alice)
    assert hazard.state == CaseState.ASSIGNED
    assert hazard.closed_at is None


def test_cancel_needs_a_reason(cast: Cast) -> None:
    hazard = register(cast)
    with pytest.raises(ValidationError):
        do_cancel_case(hazard, reason=" ", actor=cast.alice)
    do_cancel_case(hazard, reason="误报", actor=cast.alice)
    assert hazard.state == CaseState.CANCELLED


def test_the_sla_table_sets_the_deadline(cast: Cast) -> None:
    SlaRule.objects.create(kind="hazard", grade=HazardGrade.MAJOR, hours=48)
    hazard = register(cast)
    do_grade_case(hazard, grade=HazardGrade.MAJOR, actor=cast.alice)
    assert hazard.deadline is not None
    assert hazard.deadline - timezone.now() <= timedelta(hours=48)
    assert hazard.deadline - timezone.now() > timedelta(hours=47)


def test_other_jurisdiction_cannot_act(cast: Cast) -> None:
    hazard = register(cast)
    with pytest.raises(NotPermitted):
        do_grade_case(hazard, grade=HazardGrade.GENERAL, actor=cast.charlie)
    with pytest.raises(NotPermitted):
        do_cancel_case(hazard, reason="不属于我", actor=cast.charlie)
