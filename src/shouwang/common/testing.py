"""The test cast, built through actions like everything else.

Two districts of one city. Alice runs station A, Bob is a grid worker under her, Carol is
another officer at station A; Charlie runs station B in the other district and must see none
of A's work. Erin's company is a responsible unit in A; Dora staffs a bank's partner desk;
Frank audits the city. Gina staffs a carrier's desk, Hank another bank's; Ivan is an analyst
at the city's anti-fraud centre.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import h3
from PIL import Image

from shouwang.orgs.actions import do_create_organisation, do_create_unit, do_create_user
from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.models import Organisation, Unit, User

PASSWORD = "correct horse battery staple"  # noqa: S105
POINT_A = (30.8700, 120.0900)
POINT_B = (30.7800, 119.9500)


@dataclass
class Cast:
    city: Unit
    district_a: Unit
    station_a: Unit
    community_a: Unit
    grid_a: Unit
    district_b: Unit
    station_b: Unit
    grid_b: Unit
    company: Organisation
    other_company: Organisation
    bank: Organisation
    alice: User
    bob: User
    carol: User
    charlie: User
    erin: User
    dora: User
    frank: User
    admin: User
    other_bank: Organisation
    carrier: Organisation
    gina: User
    hank: User
    ivan: User


def _cells(point: tuple[float, float]) -> list[str]:
    centre = h3.latlng_to_cell(point[0], point[1], 8)
    return sorted(str(c) for c in h3.grid_disk(centre, 1))


def build_cast() -> Cast:
    city = do_create_unit(code="990100", name="测试市", kind=UnitKind.CITY, parent=None, actor=None)
    district_a = do_create_unit(
        code="990102", name="东区", kind=UnitKind.DISTRICT, parent=city, actor=None
    )
    station_a = do_create_unit(
        code="990102001", name="东门派出所", kind=UnitKind.STATION, parent=district_a, actor=None
    )
    community_a = do_create_unit(
        code="990102001001",
        name="东门社区",
        kind=UnitKind.COMMUNITY,
        parent=station_a,
        actor=None,
    )
    grid_a = do_create_unit(
        code="990102001001001",
        name="东门一网格",
        kind=UnitKind.GRID,
        parent=community_a,
        h3_cells=_cells(POINT_A),
        centroid=POINT_A,
        actor=None,
    )
    district_b = do_create_unit(
        code="990103", name="西区", kind=UnitKind.DISTRICT, parent=city, actor=None
    )
    station_b = do_create_unit(
        code="990103001", name="西门派出所", kind=UnitKind.STATION, parent=district_b, actor=None
    )
    grid_b = do_create_unit(
        code="990103001001001",
        name="西门一网格",
        kind=UnitKind.GRID,
        parent=station_b,
        h3_cells=_cells(POINT_B),
        centroid=POINT_B,
        actor=None,
    )
    company = do_create_organisation(
        name="东门五金厂", kind=OrganisationKind.COMPANY, unit=grid_a, actor=None
    )
    other_company = do_create_organisation(
        name="西门纺织厂", kind=OrganisationKind.COMPANY, unit=grid_b, actor=None
    )
    bank = do_create_organisation(name="测试银行", kind=OrganisationKind.BANK, actor=None)
    other_bank = do_create_organisation(name="另一银行", kind=OrganisationKind.BANK, actor=None)
    carrier = do_create_organisation(
        name="中国移动测试分公司", kind=OrganisationKind.CARRIER, actor=None
    )

    def user(
        name: str, role: str, unit: Unit | None = None, org: Organisation | None = None
    ) -> User:
        return do_create_user(
            username=name,
            password=PASSWORD,
            role=role,
            display_name=name.title(),
            unit=unit,
            organisation=org,
            phone="13800138000",
            actor=None,
        )

    return Cast(
        city=city,
        district_a=district_a,
        station_a=station_a,
        community_a=community_a,
        grid_a=grid_a,
        district_b=district_b,
        station_b=station_b,
        grid_b=grid_b,
        company=company,
        other_company=other_company,
        bank=bank,
        alice=user("alice", Role.STATION_CHIEF, station_a),
        bob=user("bob", Role.GRID_WORKER, grid_a),
        carol=user("carol", Role.GRID_WORKER, station_a),
        charlie=user("charlie", Role.STATION_CHIEF, station_b),
        erin=user("erin", Role.RESPONSIBLE_UNIT, org=company),
        dora=user("dora", Role.PARTNER_DESK, org=bank),
        frank=user("frank", Role.AUDITOR, city),
        admin=user("admin", Role.ADMIN),
        other_bank=other_bank,
        carrier=carrier,
        gina=user("gina", Role.PARTNER_DESK, org=carrier),
        hank=user("hank", Role.PARTNER_DESK, org=other_bank),
        ivan=user("ivan", Role.FRAUD_ANALYST, city),
    )


def log_in(page: Any, base_url: str, username: str) -> None:
    """Sign a cast member in on a Playwright page, through the login form."""
    page.goto(f"{base_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def make_jpeg(colour: str = "red", size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()
