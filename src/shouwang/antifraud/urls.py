app_name = "antifraud"
urlpatterns: list[object] = []
