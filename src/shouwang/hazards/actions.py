"""Writes of the hazard register. The lifecycle steps themselves are in `cases.actions`."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.cases.actions import do_add_evidence, do_assign_case
from shouwang.cases.choices import CaseAction, CaseState, EvidenceStage
from shouwang.cases.models import CaseTransition
from shouwang.common.errors import NotPermitted
from shouwang.hazards.choices import (
    CheckResult,
    HazardCategory,
    HazardSource,
    PremisesType,
)
from shouwang.hazards.kind import HAZARD_KIND
from shouwang.hazards.models import Campaign, CampaignCheck, Hazard, Premises
from shouwang.orgs.choices import UnitKind
from shouwang.orgs.geo import cell_of, grid_at, valid_lat_lon
from shouwang.orgs.roles import Cap
from shouwang.orgs.scoping import user_covers_unit

if TYPE_CHECKING:
    from shouwang.orgs.models import Organisation, Unit, User


def _locate(
    unit: Unit | None, lat: float | None, lon: float | None, address: str
) -> tuple[Unit, str]:
    """The hazard's grid and H3 cell from a map click, a chosen grid, or both (they must agree)."""
    errors: dict[str, str] = {}
    cell = ""
    if (lat is None) != (lon is None):
        errors["lat"] = _("经纬度必须同时填写。")
    elif lat is not None and lon is not None:
        if not valid_lat_lon(lat, lon):
            errors["lat"] = _("经纬度超出范围。")
        else:
            cell = cell_of(lat, lon)
            located = grid_at(lat, lon)
            if unit is None:
                if located is None:
                    errors["lat"] = _("该位置不在任何网格内,请选择网格。")
                unit = located
            elif unit.kind == UnitKind.GRID and located is not None and located != unit:
                errors["lat"] = _("该位置不在所选网格“%(grid)s”内。") % {"grid": unit.name}
    if unit is None and "lat" not in errors:
        errors["unit"] = _("请在地图上选点或选择网格。")
    if lat is None and not address.strip() and "unit" not in errors:
        errors["address"] = _("请在地图上选点或填写地址。")
    if errors:
        raise ValidationError(errors, code="location")
    assert unit is not None
    return unit, cell


@transaction.atomic
def do_register_hazard(
    *,
    actor: User,
    title: str,
    category: str,
    description: str,
    unit: Unit | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str = "",
    found_at: datetime | None = None,
    source: str = HazardSource.INSPECTION,
    premises: Premises | None = None,
    campaign: Campaign | None = None,
    responsible_name: str = "",
    responsible_contact: str = "",
    responsible_phone: str = "",
    photos: list[UploadedFile[bytes]] | None = None,
    ledger_ref: str = "",
) -> Hazard:
    """Register a hazard found on an inspection, a campaign, a report or an imported ledger."""
    if not actor.can(Cap.HAZARD_REGISTER) or actor.is_outside_party:
        raise NotPermitted("register")
    errors: dict[str, str] = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if category not in HazardCategory.values:
        errors["category"] = _("无效的隐患类别。")
    if source not in HazardSource.values:
        errors["source"] = _("无效的发现渠道。")
    if not description.strip():
        errors["description"] = _("请描述隐患情况。")
    now = timezone.now()
    if found_at is not None and found_at > now + timedelta(minutes=5):
        errors["found_at"] = _("发现时间不能晚于现在。")
    if errors:
        raise ValidationError(errors, code="invalid")
    if premises is not None and unit is None:
        unit = premises.unit
    grid, cell = _locate(unit, lat, lon, address)
    if not user_covers_unit(actor, grid):
        raise ValidationError({"unit": _("该位置不在您的辖区内。")}, code="scope")
    if (
        campaign is not None
        and not user_covers_unit(actor, campaign.unit)
        and not any(s.contains(grid) for s in campaign.scope_units.all())
    ):
        raise ValidationError({"campaign": _("该排查行动不包括此辖区。")}, code="scope")
    hazard = Hazard.objects.create(
        kind=HAZARD_KIND.name,
        title=title.strip()[:200],
        unit=grid,
        created_by=actor,
        created_at=now,
        category=category,
        description=description.strip(),
        source=HazardSource.CAMPAIGN if campaign else source,
        found_at=found_at or now,
        address=address.strip(),
        lat=lat,
        lon=lon,
        h3_cell=cell,
        premises=premises,
        campaign=campaign,
        responsible_name=responsible_name.strip(),
        responsible_contact=responsible_contact.strip(),
        responsible_phone=responsible_phone.strip(),
        ledger_ref=ledger_ref.strip(),
        state=CaseState.REGISTERED,
    )
    CaseTransition.objects.create(
        case=hazard,
        action=CaseAction.REGISTER,
        from_state="",
        to_state=CaseState.REGISTERED,
        actor=actor,
        at=now,
    )
    record(actor, "hazard.register", hazard, unit=grid, detail={"category": category})
    for photo in photos or []:
        do_add_evidence(hazard, upload=photo, stage=EvidenceStage.BEFORE, actor=actor)
    return hazard


@transaction.atomic
def do_assign_hazard(
    hazard: Hazard,
    *,
    requirement: str,
    unit: Unit | None = None,
    user: User | None = None,
    organisation: Organisation | None = None,
    deadline: datetime | None = None,
    note: str = "",
    actor: User,
) -> Hazard:
    """Assign with the rectification requirement (整改要求) the responsible party must meet."""
    if not requirement.strip():
        raise ValidationError({"requirement": _("请填写整改要求。")}, code="required")
    Hazard.objects.filter(pk=hazard.pk).update(requirement=requirement.strip())
    hazard.requirement = requirement.strip()
    do_assign_case(
        hazard,
        unit=unit,
        user=user,
        organisation=organisation,
        deadline=deadline,
        note=note,
        actor=actor,
    )
    # The case engine records only who was assigned; the hazard's history must also say what
    # was asked and by when, as a later assignment overwrites both on the hazard itself.
    step = hazard.transitions.filter(action=CaseAction.ASSIGN).order_by("-pk").first()
    assert step is not None, "do_assign_case records the step"
    step.detail = {
        **step.detail,
        "requirement": hazard.requirement,
        "deadline": hazard.deadline.isoformat() if hazard.deadline else None,
    }
    step.save(update_fields=["detail"])
    if organisation is not None and not hazard.responsible_name:
        hazard.responsible_name = organisation.name
        Hazard.objects.filter(pk=hazard.pk).update(
            responsible_name=organisation.name, search_text=hazard.compute_search_text()
        )
    return hazard


@transaction.atomic
def do_create_premises(
    *,
    actor: User,
    name: str,
    type: str,
    unit: Unit,
    address: str = "",
    lat: float | None = None,
    lon: float | None = None,
    organisation: Organisation | None = None,
) -> Premises:
    if not actor.can(Cap.HAZARD_REGISTER) or actor.is_outside_party:
        raise NotPermitted("premises")
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = _("请填写场所名称。")
    if type not in PremisesType.values:
        errors["type"] = _("无效的场所类型。")
    if not user_covers_unit(actor, unit):
        errors["unit"] = _("该网格不在您的辖区内。")
    if errors:
        raise ValidationError(errors, code="invalid")
    premises = Premises.objects.create(
        name=name.strip(),
        type=type,
        unit=unit,
        address=address.strip(),
        lat=lat,
        lon=lon,
        organisation=organisation,
    )
    record(actor, "premises.create", premises, unit=unit)
    return premises


@transaction.atomic
def do_create_campaign(
    *,
    actor: User,
    name: str,
    unit: Unit,
    scope_units: list[Unit],
    premises_types: list[str],
    starts_on: date,
    ends_on: date,
    description: str = "",
) -> Campaign:
    if not actor.can(Cap.CAMPAIGN_MANAGE):
        raise NotPermitted("campaign")
    errors: dict[str, Any] = {}
    if not name.strip():
        errors["name"] = _("请填写行动名称。")
    if ends_on < starts_on:
        errors["ends_on"] = _("结束日期不能早于开始日期。")
    if not user_covers_unit(actor, unit):
        errors["unit"] = _("组织单位不在您的辖区内。")
    if not scope_units:
        errors["scope_units"] = _("请选择排查范围。")
    elif any(not unit.contains(s) for s in scope_units):
        errors["scope_units"] = _("排查范围必须在组织单位辖区内。")
    bad_types = [t for t in premises_types if t not in PremisesType.values]
    if bad_types:
        errors["premises_types"] = _("无效的场所类型:%(types)s") % {"types": ", ".join(bad_types)}
    if errors:
        raise ValidationError(errors, code="invalid")
    campaign = Campaign.objects.create(
        name=name.strip(),
        unit=unit,
        premises_types=premises_types,
        starts_on=starts_on,
        ends_on=ends_on,
        description=description.strip(),
        created_by=actor,
    )
    campaign.scope_units.set(scope_units)
    record(actor, "campaign.create", campaign, unit=unit)
    return campaign


@transaction.atomic
def do_record_check(
    campaign: Campaign, *, premises: Premises, result: str, note: str = "", actor: User
) -> CampaignCheck:
    """Record that a premises was checked in a campaign (once per premises and campaign)."""
    if not actor.can(Cap.HAZARD_REGISTER) or actor.is_outside_party:
        raise NotPermitted("check")
    if result not in CheckResult.values:
        raise ValidationError({"result": _("无效的检查结果。")}, code="invalid")
    if not user_covers_unit(actor, premises.unit):
        raise ValidationError({"premises": _("该场所不在您的辖区内。")}, code="scope")
    if not any(s.contains(premises.unit) for s in campaign.scope_units.all()):
        raise ValidationError({"premises": _("该场所不在本次行动的排查范围内。")}, code="scope")
    if CampaignCheck.objects.filter(campaign=campaign, premises=premises).exists():
        raise ValidationError({"premises": _("该场所已在本次行动中检查过。")}, code="duplicate")
    check = CampaignCheck.objects.create(
        campaign=campaign,
        premises=premises,
        result=result,
        note=note.strip(),
        checked_by=actor,
        checked_at=timezone.now(),
    )
    record(
        actor,
        "campaign.check",
        campaign,
        unit=premises.unit,
        detail={"premises": premises.pk, "result": result},
    )
    return check
