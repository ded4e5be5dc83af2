from django.urls import include, path

from nominations.views import dashboards, public

member_patterns = ([path("", dashboards.member_dashboard, name="dashboard")], "member")
secretariat_patterns = ([path("", dashboards.secretariat_dashboard, name="dashboard")], "secretariat")
pioneer_patterns = ([path("", dashboards.pioneer_dashboard, name="dashboard")], "pioneer")
platform_patterns = ([path("", dashboards.platform_dashboard, name="dashboard")], "platform")

urlpatterns = [
    path("", public.home, name="home"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("member/", include(member_patterns)),
    path("secretariat/", include(secretariat_patterns)),
    path("pioneer/", include(pioneer_patterns)),
    path("platform/", include(platform_patterns)),
]
