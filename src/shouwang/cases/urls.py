from django.urls import path

from shouwang.cases import views

app_name = "cases"
urlpatterns = [
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    # One address, two names: GET reads the table, POST (admins only) sets one rule.
    path("sla/", views.sla, name="sla-list"),
    path("sla/", views.sla, name="sla-edit"),
]
