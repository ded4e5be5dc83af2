"""The public verification of official PDFs (namespace "verify"): no log-in."""

from django.urls import path

from nominations.views import verify

app_name = "verify"

urlpatterns = [
    path("", verify.verify, name="form"),
    path("<str:code>/", verify.verify_code, name="code"),
]
