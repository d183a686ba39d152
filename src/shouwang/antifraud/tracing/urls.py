from django.urls import path

from shouwang.antifraud.tracing import views

app_name = "fraud_tracing"

urlpatterns = [
    path("reports/<id:report_pk>/", views.report_trace, name="report"),
    path("reports/<id:report_pk>/statements/", views.statement_import, name="statement-import"),
    path("reports/<id:report_pk>/run/", views.trace_run, name="trace-run"),
    path("<id:pk>/", views.trace_detail, name="trace"),
    path("<id:pk>/graph.json", views.trace_graph, name="trace-graph"),
    path("<id:pk>/freeze/", views.trace_freeze, name="trace-freeze"),
    path("mappings/", views.mapping_list, name="mappings"),
    path("mappings/<id:org_pk>/", views.mapping_edit, name="mapping-edit"),
]
