from django.contrib import admin
from django.urls import include, path

from kczg_site.htmx import SafeNextLoginView

admin.site.site_header = "科创中国系列榜单申报平台 · 管理"
admin.site.site_title = "科创中国榜单管理"
admin.site.index_title = "数据管理"

# Chinese 400 page, and 413 for a form over DATA_UPLOAD_MAX_MEMORY_SIZE (a small notice for htmx).
handler400 = "kczg_site.errors.bad_request"

urlpatterns = [
    path("admin/", admin.site.urls),
    # Django's log-in view, except that a ``next`` leading to a POST-only view is dropped.
    path("accounts/login/", SafeNextLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reviews/", include("reviews.urls")),
    path("promotion/", include("promotion.urls")),
    path("", include("nominations.urls")),
]
