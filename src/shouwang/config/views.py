from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from shouwang.orgs.choices import Role


def _first_existing(*names: str) -> str:
    # Pages are added over time; a role's start page that does not exist yet falls back to
    # the hazard list rather than breaking the login.
    for name in names:
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return reverse("hazards:hazard-list")


# The page each role works from; the others start at the hazard list.
START_PAGES: dict[str, str] = {
    Role.GRID_WORKER: "hazards:hazard-register",
    Role.RESPONSIBLE_UNIT: "hazards:assigned-list",
    Role.AUDITOR: "audit:event-list",
    Role.FRAUD_ANALYST: "antifraud:report-list",
    Role.PARTNER_DESK: "antifraud:desk",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it works from."""
    user = request.user
    assert user.is_authenticated
    return redirect(_first_existing(START_PAGES.get(user.role, "hazards:hazard-list")))
