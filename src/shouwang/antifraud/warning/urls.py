from django.urls import path

from shouwang.antifraud.warning import views

app_name = "fraud_warning"
urlpatterns = [
    path("", views.task_list, name="task-list"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal-decide"),
    path("rules/", views.rule_list, name="rule-list"),
    path("rules/new/", views.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", views.rule_detail, name="rule-detail"),
    path("rules/<int:pk>/edit/", views.rule_edit, name="rule-edit"),
    path("versions/<int:pk>/", views.version_action, name="version-action"),
    path("precision/", views.precision, name="precision"),
    path("upload/", views.upload, name="upload"),
]
