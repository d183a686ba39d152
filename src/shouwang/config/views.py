from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from shouwang.orgs.choices import Role
from shouwang.orgs.roles import Cap


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to the page it works from."""
    user = request.user
    assert user.is_authenticated
    if user.role == Role.AUDITOR:
        return redirect("audit:event-list")
    if user.role == Role.GRID_WORKER:
        return redirect("hazards:hazard-register")
    if user.can(Cap.HAZARD_VIEW):
        return redirect("hazards:hazard-list")
    return redirect("hazards:hazard-list")
