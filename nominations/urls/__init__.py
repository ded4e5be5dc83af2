"""URL map of the intake side: one module per area, each its own namespace."""

from django.urls import include, path

from nominations.views import dashboards, public

urlpatterns = [
    path("", public.home, name="home"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    path("member/", include("nominations.urls.member")),
    path("pioneer/", include("nominations.urls.pioneer")),
    path("secretariat/", include("nominations.urls.secretariat")),
    path("platform/", include("nominations.urls.platform")),
]
