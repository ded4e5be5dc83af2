from django.urls import path

from nominations.views import dashboards

app_name = "platform"

urlpatterns = [
    path("", dashboards.platform_dashboard, name="dashboard"),
]
