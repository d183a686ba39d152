"""Builds the demo city in the database: units, partner organisations, staff and premises.

Everything goes through the actions (`do_create_unit`, `do_create_organisation`,
`do_create_premises`), so the rows and their audit trail look like any other deployment's.
What the hazard generator needs next is returned as plain references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from random import Random

from shouwang.demo.geo import centroid, outline, random_point
from shouwang.demo.names import (
    BANKS,
    CARRIERS,
    INDUSTRIES,
    NameBook,
    company_name,
    company_short,
    credit_code,
    mobile,
    person,
    premises_name,
)
from shouwang.demo.people import Staff
from shouwang.demo.plan import CENTRE_CODE, CENTRE_NAME, CITY_NAME, CITY_SHORT, UnitPlan
from shouwang.hazards.actions import do_create_premises
from shouwang.hazards.choices import PremisesType
from shouwang.orgs.actions import do_create_organisation, do_create_unit
from shouwang.orgs.choices import OrganisationKind, Role, UnitKind
from shouwang.orgs.models import Organisation, Unit, User

# Premises types of a grid besides its companies' own sites, weighted (urban, county).
_URBAN_MIX = {
    "rental": 30,
    "shop": 20,
    "restaurant": 15,
    "entertainment": 5,
    "hotel": 5,
    "school": 3,
    "hospital": 2,
    "market": 3,
    "construction": 3,
    "other": 4,
}
_COUNTY_MIX = {
    "rental": 25,
    "shop": 15,
    "restaurant": 8,
    "factory": 10,
    "warehouse": 5,
    "market": 4,
    "school": 3,
    "hospital": 2,
    "hotel": 2,
    "entertainment": 2,
    "other": 5,
}


@dataclass
class PremisesRef:
    pk: int
    name: str
    type: str
    address: str
    lat: float
    lon: float
    organisation: Organisation | None


@dataclass
class GridRef:
    """A grid and the people who work on its hazards."""

    unit: Unit
    cells: list[str]
    # Ancestors from the city down to the community, as `Unit.ancestors()` orders them.
    chain: list[Unit]
    district: Unit
    worker: User
    chief: User
    officers: list[User]
    roads: list[str]
    urban: bool
    premises: list[PremisesRef] = field(default_factory=list)


@dataclass
class DemoCity:
    city: Unit
    districts: list[Unit]
    grids: list[GridRef]
    command: User
    district_chiefs: dict[int, User]
    company_users: dict[int, User]
    first_company: Organisation
    staff: Staff


class _Builder:
    def __init__(self, rng: Random, names: NameBook) -> None:
        self.rng = rng
        self.names = names
        self.staff = Staff(rng)

    def unit(self, plan: UnitPlan, parent: Unit | None) -> Unit:
        return do_create_unit(
            code=plan.code,
            name=plan.name,
            kind=plan.kind,
            parent=parent,
            h3_cells=plan.cells if plan.kind == UnitKind.GRID else (),
            boundary=outline(plan.cells),
            centroid=centroid(plan.cells),
            actor=None,
        )

    def address(self, district: Unit, road: str) -> str:
        return f"{CITY_NAME}{district.name}{road}{self.rng.randint(1, 399)}号"

    def company(self, grid: Unit, district: Unit, road: str) -> tuple[Organisation, str]:
        industry, site = self.rng.choice(INDUSTRIES)
        org = do_create_organisation(
            name=company_name(self.rng, CITY_SHORT, industry),
            kind=OrganisationKind.COMPANY,
            unit=grid,
            credit_code=credit_code(self.rng, district.code),
            address=self.address(district, road),
            contact_name=person(self.rng),
            contact_phone=mobile(self.rng),
            actor=None,
        )
        return org, site

    def premises(self, ref: GridRef, kind: str, organisation: Organisation | None) -> PremisesRef:
        short = company_short(organisation.name, CITY_SHORT) if organisation else None
        name = premises_name(self.rng, kind, self.names.any_place(), short)
        road = self.rng.choice(ref.roads)
        address = organisation.address if organisation else self.address(ref.district, road)
        lat, lon = random_point(self.rng.choice(ref.cells), self.rng)
        created = do_create_premises(
            actor=ref.worker,
            name=name,
            type=kind,
            unit=ref.unit,
            address=address,
            lat=lat,
            lon=lon,
            organisation=organisation,
        )
        made = PremisesRef(created.pk, name, kind, address, lat, lon, organisation)
        ref.premises.append(made)
        return made


def build_city(plan: UnitPlan, names: NameBook, rng: Random) -> DemoCity:
    """Create the city described by `plan`. Call inside a transaction on an empty database."""
    b = _Builder(rng, names)
    staff = b.staff
    city = b.unit(plan, None)
    centre = do_create_unit(
        code=CENTRE_CODE, name=CENTRE_NAME, kind=UnitKind.CENTRE, parent=city, actor=None
    )
    command = staff.add("city", Role.COMMAND, unit=city)
    staff.add("auditor", Role.AUDITOR, unit=city)
    staff.add("admin", Role.ADMIN)
    for i in range(3):
        staff.add(f"analyst_{i + 1}", Role.FRAUD_ANALYST, unit=centre)
    for i, bank_name in enumerate(BANKS):
        bank = do_create_organisation(
            name=bank_name, kind=OrganisationKind.BANK, unit=city, actor=None
        )
        staff.add("bank" if i == 0 else f"desk_bank_{i + 1}", Role.PARTNER_DESK, organisation=bank)
    for i, carrier_name in enumerate(CARRIERS):
        carrier = do_create_organisation(
            name=carrier_name, kind=OrganisationKind.CARRIER, unit=city, actor=None
        )
        staff.add(f"desk_carrier_{i + 1}", Role.PARTNER_DESK, organisation=carrier)

    districts: list[Unit] = []
    district_chiefs: dict[int, User] = {}
    grids: list[GridRef] = []
    for d_plan in plan.children:
        district = b.unit(d_plan, city)
        districts.append(district)
        district_chiefs[district.pk] = staff.add(
            f"chief_{district.code}", Role.STATION_CHIEF, unit=district
        )
        for s_plan in d_plan.children:
            station = b.unit(s_plan, district)
            first_station = not grids
            chief = staff.add(
                "chief" if first_station else f"chief_{station.code}",
                Role.STATION_CHIEF,
                unit=station,
            )
            officers = [
                staff.add(
                    "officer" if first_station and n == 1 else f"officer_{station.code}_{n}",
                    Role.GRID_WORKER,
                    unit=station,
                )
                for n in (1, 2)
            ]
            for c_plan in s_plan.children:
                community = b.unit(c_plan, station)
                roads = [names.road() for _ in range(rng.randint(2, 3))]
                for g_plan in c_plan.children:
                    grid = b.unit(g_plan, community)
                    worker = staff.add(
                        "grid" if not grids else f"grid_{grid.code}", Role.GRID_WORKER, unit=grid
                    )
                    grids.append(
                        GridRef(
                            unit=grid,
                            cells=g_plan.cells,
                            chain=[city, district, station, community],
                            district=district,
                            worker=worker,
                            chief=chief,
                            officers=officers,
                            roads=roads,
                            urban=g_plan.urban,
                        )
                    )
    staff.flush()

    company_users: dict[int, User] = {}
    first_company: Organisation | None = None
    for ref in grids:
        counts = (0, 0, 1, 1, 2) if ref.urban else (1, 1, 2, 2, 3)
        n_companies = rng.choice(counts) or (1 if first_company is None else 0)
        for k in range(n_companies):
            org, site = b.company(ref.unit, ref.district, rng.choice(ref.roads))
            username = "company" if first_company is None else f"company_{ref.unit.code}_{k + 1}"
            first_company = first_company or org
            company_users[org.pk] = staff.add(username, Role.RESPONSIBLE_UNIT, organisation=org)
            b.premises(ref, site, org)
            if site == "factory" and rng.random() < 0.2:
                b.premises(ref, "warehouse", org)
        mix = _URBAN_MIX if ref.urban else _COUNTY_MIX
        kinds = rng.choices(list(mix), weights=list(mix.values()), k=rng.randint(2, 6))
        for kind in kinds:
            b.premises(ref, kind, None)
    # Every premises type appears at least once, so every filter and form choice has rows.
    present = {p.type for ref in grids for p in ref.premises}
    for kind in PremisesType.values:
        if kind not in present:
            b.premises(grids[0], kind, None)
    staff.flush()
    assert first_company is not None
    return DemoCity(
        city=city,
        districts=districts,
        grids=grids,
        command=command,
        district_chiefs=district_chiefs,
        company_users=company_users,
        first_company=first_company,
        staff=staff,
    )
