"""The bell in the top bar and the page behind it: one's own notices only (another person's
notice is 404), opened through a POST that marks it read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from shouwang.notices import actions
from shouwang.notices.models import Notice
from shouwang.notices.queries import access_notice
from shouwang.notices.senders import email_enabled, sms_sender
from shouwang.notices.texts import text_of
from shouwang.orgs.models import User

PAGE_SIZE = 50


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User), "behind login_required"
    return user


@login_required
def notice_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    notices = Notice.objects.filter(recipient=user)
    unread_only = request.GET.get("unread") == "1"
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    page = Paginator(notices, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(n, text_of(n.kind, n.params)) for n in page.object_list]
    unread, urgent = actions.unread_counts(user)
    return render(
        request,
        "notices/list.html",
        {
            "rows": rows,
            "page": page,
            "unread_only": unread_only,
            "unread": unread,
            "urgent": urgent,
            "notice_counts": (unread, urgent),
            "prefs": actions.preference_of(user),
            "sms_on": sms_sender() is not None,
            "email_on": email_enabled(),
        },
    )


def badge(request: HttpRequest) -> HttpResponse:
    """The bell's count, polled by the top bar. Signed out (the session expired), 204: the
    page keeps its bell instead of swapping the login form into it."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    unread, urgent = actions.unread_counts(_user(request))
    return render(request, "notices/partials/badge.html", {"unread": unread, "urgent": urgent})


@login_required
@require_POST
def open_notice(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    notice = access_notice(user, pk)
    actions.do_mark_read(notice, actor=user)
    safe = url_has_allowed_host_and_scheme(notice.url, allowed_hosts={request.get_host()})
    return redirect(notice.url if safe and notice.url.startswith("/") else "notices:list")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    actions.do_mark_all_read(actor=_user(request))
    return redirect("notices:list")


@login_required
@require_POST
def preferences(request: HttpRequest) -> HttpResponse:
    actions.do_set_preference(
        sms_urgent=request.POST.get("sms_urgent") == "on",
        email_all=request.POST.get("email_all") == "on",
        actor=_user(request),
    )
    return redirect("notices:list")
