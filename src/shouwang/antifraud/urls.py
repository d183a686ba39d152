from shouwang.antifraud.views import centre, desk, public, reports

app_name = "antifraud"
urlpatterns = [*public.urlpatterns, *desk.urlpatterns, *centre.urlpatterns, *reports.urlpatterns]
