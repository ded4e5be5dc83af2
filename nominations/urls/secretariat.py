from django.urls import path

from nominations.views import dashboards

app_name = "secretariat"

urlpatterns = [
    path("", dashboards.secretariat_dashboard, name="dashboard"),
]
