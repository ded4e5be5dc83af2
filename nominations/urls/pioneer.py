from django.urls import path

from nominations.views import dashboards

app_name = "pioneer"

urlpatterns = [
    path("", dashboards.pioneer_dashboard, name="dashboard"),
]
