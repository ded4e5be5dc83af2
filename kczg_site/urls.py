from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "科创中国系列榜单申报平台 · 管理"
admin.site.site_title = "科创中国榜单管理"
admin.site.index_title = "数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("reviews/", include("reviews.urls")),
    path("", include("nominations.urls")),
]
