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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it works from."""
    user = request.user
    assert user.is_authenticated
    if user.role == Role.GRID_WORKER:
        return redirect(_first_existing("hazards:hazard-register"))
    if user.role == Role.RESPONSIBLE_UNIT:
        return redirect(_first_existing("hazards:assigned-list"))
    if user.role == Role.AUDITOR:
        return redirect(_first_existing("audit:event-list"))
    return redirect(_first_existing("hazards:hazard-list"))
