from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.roles import Cap, capabilities

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Unit(models.Model):
    """A node of the jurisdiction tree: province > city > district > station > community > grid.

    `path` is the materialised chain of codes from the root ("/330000/330500/.../"), so a
    subtree is one indexed prefix match, on SQLite and PostgreSQL alike.
    """

    code = models.CharField(_("代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级单位"),
    )
    path = models.CharField(_("路径"), max_length=400, unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("层级"), default=0, editable=False)
    # GeoJSON (RFC 7946, WGS-84) of the unit's area; grids may instead list H3 cells.
    boundary = models.JSONField(_("边界"), null=True, blank=True)
    h3_cells = models.JSONField(_("H3 网格"), default=list, blank=True)
    centroid_lat = models.FloatField(_("中心纬度"), null=True, blank=True)
    centroid_lon = models.FloatField(_("中心经度"), null=True, blank=True)

    class Meta:
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"], name="unit_kind_path")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.path = self.compute_path()
        self.depth = self.path.count("/") - 2
        super().save(*args, **kwargs)

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent else "/"
        return f"{prefix}{self.code}/"

    def subtree(self) -> QuerySet[Unit]:
        return Unit.objects.filter(path__startswith=self.path)

    def contains(self, other: Unit) -> bool:
        return other.path.startswith(self.path)

    def ancestors(self) -> QuerySet[Unit]:
        codes = [c for c in self.path.split("/") if c]
        return Unit.objects.filter(code__in=codes).order_by("depth")


class Organisation(models.Model):
    """An outside party: a partner bank or carrier, a company, or a government department.

    Its staff log in as partner desks or responsible units and see only what is addressed
    to their organisation.
    """

    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类型"), max_length=16, choices=OrganisationKind.choices)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("所在辖区"),
    )
    address = models.CharField(_("地址"), max_length=300, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in: police staff belong to a unit; outside staff to an organisation."""

    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    unit = models.ForeignKey(
        Unit,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属单位"),
    )
    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("所属机构"),
    )
    phone = models.CharField(_("手机号"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username

    def clean(self) -> None:
        super().clean()
        outside = {Role.PARTNER_DESK, Role.RESPONSIBLE_UNIT}
        if self.role in outside and self.organisation_id is None:
            raise ValidationError({"organisation": _("该角色必须属于一个机构。")})
        if self.role not in outside and self.role != Role.ADMIN and self.unit_id is None:
            raise ValidationError({"unit": _("该角色必须属于一个单位。")})

    @property
    def caps(self) -> frozenset[Cap]:
        if not self.is_active:
            return frozenset()
        if self.is_superuser:
            return frozenset(set(Cap))
        return capabilities(self.role)

    def can(self, cap: Cap) -> bool:
        return cap in self.caps

    @property
    def is_outside_party(self) -> bool:
        return self.role in {Role.PARTNER_DESK, Role.RESPONSIBLE_UNIT}


GRID_H3_RESOLUTION = 8


class GridCell(models.Model):
    """One H3 cell (resolution 8, ~0.7 km²) of a grid: finds the grid a map click falls in."""

    cell = models.CharField(_("H3 单元"), max_length=16, unique=True)
    unit = models.ForeignKey(
        Unit, models.CASCADE, related_name="grid_cells", verbose_name=_("网格")
    )

    class Meta:
        verbose_name = _("网格单元")
        verbose_name_plural = _("网格单元")

    def __str__(self) -> str:
        return self.cell


class ApiToken(models.Model):
    """A token with which a partner's or another department's system calls the API as a user.

    Only the SHA-256 of the token is stored; the token itself is shown once, when created.
    """

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("名称"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return self.name
