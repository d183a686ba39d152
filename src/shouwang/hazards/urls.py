from shouwang.hazards.views import campaigns, dashboard, ledger, pages, rectify

app_name = "hazards"
urlpatterns = [
    # Before pages: its <int:pk>/<str:action>/ would otherwise take <int:pk>/rectify/.
    *rectify.urlpatterns,
    *pages.urlpatterns,
    *dashboard.urlpatterns,
    *campaigns.urlpatterns,
    *ledger.urlpatterns,
]
