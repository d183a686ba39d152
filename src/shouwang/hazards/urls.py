from shouwang.hazards.views import campaigns, dashboard, edit, ledger, options, pages, rectify

app_name = "hazards"
urlpatterns = [
    # Before pages: its <int:pk>/<str:action>/ would otherwise take <int:pk>/rectify/ and
    # <int:pk>/edit/.
    *rectify.urlpatterns,
    *edit.urlpatterns,
    *pages.urlpatterns,
    *dashboard.urlpatterns,
    *campaigns.urlpatterns,
    *ledger.urlpatterns,
    *options.urlpatterns,
]
