"""The demo city's staff: a user for every role, with readable usernames.

The well-known logins (`city`, `chief`, `grid`, ...) are made with `do_create_user`. The other
~1,500 staff share one password hash computed once: hashing each of them separately would
cost most of a minute, and every demo password is the same published one anyway.
"""

from __future__ import annotations

from random import Random

from django.contrib.auth.hashers import make_password
from django.utils.translation import gettext_lazy as _

from shouwang.audit.log import record
from shouwang.demo.names import mobile, person
from shouwang.orgs.actions import do_create_user
from shouwang.orgs.models import Organisation, Unit, User

DEMO_PASSWORD = "shouwang-demo"  # noqa: S105 - published in docs/demo.md, demo data only


# The logins printed by `shouwang demo`, in the order a visitor would try them.
WELL_KNOWN = (
    "city",
    "chief",
    "grid",
    "officer",
    "company",
    "analyst_1",
    "bank",
    "desk_carrier_1",
    "auditor",
    "admin",
)

WHAT = {
    "city": _("指挥中心:全市隐患、看板、排查行动"),
    "chief": _("所长:分级、交办、逾期督办"),
    "grid": _("网格员:登记隐患、上传照片、劝阻任务"),
    "officer": _("民警:核查并销号"),
    "company": _("整改责任单位:查看交办给本企业的隐患、上报整改"),
    "analyst_1": _("反诈中心:报案、协查请求、串并线索、黑名单、预警规则、看板"),
    "bank": _("银行坐席:只看发给本行的请求"),
    "desk_carrier_1": _("运营商坐席:号码封停请求"),
    "auditor": _("审计员:审计日志"),
    "admin": _("管理员:全部功能、后台"),
}


class Staff:
    """Creates users; well-known names go through the action, the rest in bulk."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self._pending: list[User] = []
        self._shared_hash = make_password(DEMO_PASSWORD)

    def add(
        self,
        username: str,
        role: str,
        *,
        unit: Unit | None = None,
        organisation: Organisation | None = None,
    ) -> User:
        display = person(self.rng)
        phone = mobile(self.rng)
        if username in WELL_KNOWN:
            user = do_create_user(
                username=username,
                password=DEMO_PASSWORD,
                role=role,
                display_name=display,
                unit=unit,
                organisation=organisation,
                phone=phone,
                actor=None,
            )
            return user
        user = User(
            username=username,
            password=self._shared_hash,
            role=role,
            display_name=display,
            unit=unit,
            organisation=organisation,
            phone=phone,
        )
        self._pending.append(user)
        return user

    def flush(self) -> None:
        """Insert the users collected so far (ids come back on SQLite and PostgreSQL)."""
        if not self._pending:
            return
        created = User.objects.bulk_create(self._pending, batch_size=500)
        for user in created:
            record(None, "user.create", user, unit=user.unit, detail={"role": user.role})
        self._pending = []
