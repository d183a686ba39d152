"""Sign-in with a throttle on failed attempts, and every sign-in written to the audit log.

Failures are counted from the audit log itself (per user name and per client address over
a sliding window), so the limit holds across processes without a shared cache.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from shouwang.audit.context import current_origin
from shouwang.audit.log import record
from shouwang.audit.models import AuditEvent

FAILED = "auth.login_failed"


def recent_failures(username: str, ip: str) -> int:
    since = timezone.now() - timedelta(seconds=int(settings.LOGIN_FAILURE_WINDOW_SECONDS))
    who = Q(detail__username=username.strip().lower())
    if ip:
        who |= Q(ip=ip)
    return AuditEvent.objects.filter(who, action=FAILED, at__gte=since).count()


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        username = str(self.data.get("username", ""))[:150]
        ip = current_origin().ip
        if recent_failures(username, ip) >= int(settings.LOGIN_FAILURE_LIMIT):
            raise ValidationError(
                _("登录失败次数过多,请 %(minutes)d 分钟后再试。"),
                params={"minutes": int(settings.LOGIN_FAILURE_WINDOW_SECONDS) // 60},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            record(None, FAILED, detail={"username": username.strip().lower()})
            raise


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        record(user, "auth.login", user, unit=getattr(user, "unit", None))
        return response
