"""The well-known demo logins, read back from the database and printed as a table."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from shouwang.demo.people import DEMO_PASSWORD, WELL_KNOWN, WHAT
from shouwang.orgs.choices import Role
from shouwang.orgs.models import User


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str
    where: str
    what: str


def demo_logins() -> list[Login]:
    """The well-known demo logins present in the database, in the order to try them."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=WELL_KNOWN).select_related("unit", "organisation")
    }
    logins = []
    for name in WELL_KNOWN:
        user = users.get(name)
        if user is None:
            continue
        where = user.unit.name if user.unit else user.organisation.name if user.organisation else ""
        role = str(Role(user.role).label)
        logins.append(Login(name, DEMO_PASSWORD, role, where, str(WHAT[name])))
    return logins


def logins_table(url: str = "") -> str:
    """The well-known demo logins as a plain-text table (printed by `load_demo` and `demo`)."""
    logins = demo_logins()
    if not logins:
        return ""
    header = (_("用户名"), _("密码"), _("角色"), _("单位/机构"), _("可以做什么"))
    rows = [header, *((x.username, x.password, x.role, x.where, x.what) for x in logins)]

    def width(text: str) -> int:
        # CJK characters take two columns in a terminal.
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = []
    for row in rows:
        cells = [cell + " " * (w - width(cell)) for cell, w in zip(row, widths, strict=False)]
        lines.append("  ".join([*cells, row[-1]]))
    if url:
        lines.insert(0, _("打开 %(url)s ,用下列任一账号登录(仅供演示):") % {"url": url})
    return "\n".join(lines)
