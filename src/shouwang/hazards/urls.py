from shouwang.hazards.views import campaigns, dashboard, edit, ledger, pages, rectify

app_name = "hazards"
urlpatterns = [
    # Before pages: its <id:pk>/<str:action>/ would otherwise take <id:pk>/rectify/ and
    # <id:pk>/edit/.
    *rectify.urlpatterns,
    *edit.urlpatterns,
    *pages.urlpatterns,
    *dashboard.urlpatterns,
    *campaigns.urlpatterns,
    *ledger.urlpatterns,
]
