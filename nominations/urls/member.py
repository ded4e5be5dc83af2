from django.urls import path

from nominations.views import dashboards

app_name = "member"

urlpatterns = [
    path("", dashboards.member_dashboard, name="dashboard"),
]
