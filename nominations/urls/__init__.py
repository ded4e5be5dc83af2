"""URL map of the intake side: one module per area, each its own namespace."""

from django.urls import include, path

from nominations.views import attachments, dashboards, public, stamps

urlpatterns = [
    path("", public.home, name="home"),
    path("dashboard/", dashboards.dashboard, name="dashboard"),
    # One download view for every role: it asks the policy (404 for anyone who may not see the file).
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    # The signed and stamped scans (签字盖章页, 推荐汇总表): the same one-view rule as attachments.
    path("stamped/<int:pk>/", stamps.download, name="stamped_page"),
    path("member/", include("nominations.urls.member")),
    path("pioneer/", include("nominations.urls.pioneer")),
    path("secretariat/", include("nominations.urls.secretariat")),
    path("platform/", include("nominations.urls.platform")),
    # Excel and Word ZIP export jobs, and the Word form of one entry (namespace "exports").
    path("exports/", include("nominations.urls.exports")),
    # The published lists (reviews app): public, 404 before publication.
    path("published/", include("reviews.public_urls")),
    # The public check of an official PDF (its code or the file): no log-in (namespace "verify").
    path("verify/", include("nominations.urls.verify")),
]
