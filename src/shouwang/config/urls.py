from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from shouwang.config.api import api, not_found
from shouwang.config.views import home
from shouwang.orgs.login import LoginView


class FaviconView(RedirectView):
    """Browsers ask for /favicon.ico on pages without a <link rel=icon>, such as an evidence
    photo opened on its own: send them to the icon the pages name."""

    permanent = True

    def get_redirect_url(self, *args: object, **kwargs: object) -> str:
        return static("favicon.svg")


urlpatterns = [
    path("", home, name="home"),
    path("favicon.ico", FaviconView.as_view()),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/v1/(?P<rest>[\s\S]*)$", not_found),  # [\s\S]: line breaks too
    path("hazards/", include("shouwang.hazards.urls")),
    path("cases/", include("shouwang.cases.urls")),
    path("audit/", include("shouwang.audit.urls")),
    path("antifraud/trace/", include("shouwang.antifraud.tracing.urls")),
    path("antifraud/warnings/", include("shouwang.antifraud.warning.urls")),
    path("antifraud/", include("shouwang.antifraud.urls")),
    path("incidents/", include("shouwang.incidents.urls")),
    path("notices/", include("shouwang.notices.urls")),
]

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
