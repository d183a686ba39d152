from shouwang.incidents.views import duty, imports, maps, patrol, trends

app_name = "incidents"
urlpatterns = [
    *maps.urlpatterns,
    *trends.urlpatterns,
    *duty.urlpatterns,
    *patrol.urlpatterns,
    *imports.urlpatterns,
]
