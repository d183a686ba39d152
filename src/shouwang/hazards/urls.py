from shouwang.hazards.views import campaigns, dashboard, ledger, pages

app_name = "hazards"
urlpatterns = [
    *pages.urlpatterns,
    *dashboard.urlpatterns,
    *campaigns.urlpatterns,
    *ledger.urlpatterns,
]
