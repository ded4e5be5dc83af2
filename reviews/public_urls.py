from django.urls import path

from reviews import public_views

app_name = "publication"

urlpatterns = [
    path("<int:year>/", public_views.published_lists, name="lists"),
    path("<int:year>/excel/", public_views.published_excel, name="excel"),
]

# 公示 (reviews.notice_views): public, no account.
from reviews import notice_views  # noqa: E402

urlpatterns += [
    path("<int:year>/notice/", notice_views.public_notice, name="notice"),
    path("<int:year>/notice/objection/", notice_views.file_objection, name="objection"),
    path("<int:year>/notice/receipt/", notice_views.objection_receipt, name="objection_receipt"),
    path("<int:year>/notice/status/", notice_views.case_status, name="case_status"),
]
