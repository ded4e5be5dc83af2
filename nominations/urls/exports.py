from django.urls import path

from nominations.views import exports

app_name = "exports"

urlpatterns = [
    path("", exports.job_list, name="list"),
    path("new/", exports.job_create, name="create"),
    path("reviews/<str:kind>/", exports.review_job_create, name="review_create"),
    path("<int:pk>/status/", exports.job_status, name="status"),
    path("<int:pk>/retry/", exports.job_retry, name="retry"),
    path("<int:pk>/download/", exports.job_download, name="download"),
    path("entry/<int:pk>/docx/", exports.nomination_docx, name="nomination_docx"),
    path("entry/<int:pk>/pdf/", exports.nomination_pdf, name="nomination_pdf"),
]
