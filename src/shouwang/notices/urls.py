from django.urls import path

from shouwang.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.notice_list, name="list"),
    path("badge/", views.badge, name="badge"),
    path("<int:pk>/open/", views.open_notice, name="open"),
    path("read-all/", views.read_all, name="read-all"),
    path("preferences/", views.preferences, name="preferences"),
]
