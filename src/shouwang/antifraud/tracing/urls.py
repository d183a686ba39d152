from django.urls import path

from shouwang.antifraud.tracing import views

app_name = "fraud_tracing"

urlpatterns = [
    path("reports/<int:report_pk>/", views.report_trace, name="report"),
    path("reports/<int:report_pk>/statements/", views.statement_import, name="statement-import"),
    path("reports/<int:report_pk>/run/", views.trace_run, name="trace-run"),
    path("<int:pk>/", views.trace_detail, name="trace"),
    path("<int:pk>/graph.json", views.trace_graph, name="trace-graph"),
    path("<int:pk>/freeze/", views.trace_freeze, name="trace-freeze"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/<int:org_pk>/", views.mapping_edit, name="mapping-edit"),
]
