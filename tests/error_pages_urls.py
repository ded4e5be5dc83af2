"""The project's URLs plus views that fail on purpose, for the error-page and error-log tests."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from kczg_site.urls import urlpatterns as project_urlpatterns


def forbidden(request):
    raise PermissionDenied("您没有查看该申报的权限。")


def boom(request):
    raise RuntimeError("deliberate failure for the error-page test")


urlpatterns = [
    path("test-errors/forbidden/", forbidden),
    path("test-errors/boom/", boom),
    *project_urlpatterns,
]
