"""Writes of the organisation tree and users."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shouwang.audit.log import record
from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.models import GridCell, Organisation, Unit, User


@transaction.atomic
def do_create_unit(
    *,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None,
    h3_cells: Iterable[str] = (),
    boundary: dict[str, object] | None = None,
    centroid: tuple[float, float] | None = None,
    actor: User | None,
) -> Unit:
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("无效的单位类型。")})
    if not code.strip() or "/" in code:
        raise ValidationError({"code": _("单位代码不能为空或包含“/”。")})
    if Unit.objects.filter(code=code).exists():
        raise ValidationError({"code": _("单位代码已存在。")})
    cells = list(h3_cells)
    unit = Unit.objects.create(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        parent=parent,
        h3_cells=cells,
        boundary=boundary,
        centroid_lat=centroid[0] if centroid else None,
        centroid_lon=centroid[1] if centroid else None,
    )
    if cells:
        taken = set(GridCell.objects.filter(cell__in=cells).values_list("cell", flat=True))
        if taken:
            raise ValidationError({"h3_cells": _("部分网格单元已属于其他网格。")})
        GridCell.objects.bulk_create([GridCell(cell=c, unit=unit) for c in cells])
    record(actor, "unit.create", unit, unit=unit)
    return unit


@transaction.atomic
def do_create_organisation(
    *,
    name: str,
    kind: str,
    unit: Unit | None = None,
    credit_code: str = "",
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    actor: User | None,
) -> Organisation:
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("无效的机构类型。")})
    org = Organisation.objects.create(
        name=name.strip(),
        kind=kind,
        unit=unit,
        credit_code=credit_code.strip(),
        address=address.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
    )
    record(actor, "organisation.create", org, unit=unit)
    return org


@transaction.atomic
def do_create_user(
    *,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    unit: Unit | None = None,
    organisation: Organisation | None = None,
    phone: str = "",
    actor: User | None,
) -> User:
    if role not in Role.values:
        raise ValidationError({"role": _("无效的角色。")})
    user = User(
        username=username,
        role=role,
        display_name=display_name,
        unit=unit,
        organisation=organisation,
        phone=phone,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN and unit is None,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    record(actor, "user.create", user, unit=unit, detail={"role": role})
    return user
