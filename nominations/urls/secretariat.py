from django.urls import path

from nominations.views import secretariat, stamps

app_name = "secretariat"

urlpatterns = [
    path("", secretariat.dashboard, name="dashboard"),
    path("inbox/", secretariat.inbox, name="inbox"),
    path("entries/<int:pk>/", secretariat.nomination, name="nomination"),
    path("entries/<int:pk>/act/", secretariat.nomination_action, name="nomination_action"),
    path("entries/<int:pk>/formal/", secretariat.formal_review, name="formal_review"),
    path("entries/<int:pk>/opinion/", secretariat.opinion, name="opinion"),
    path("batch/", secretariat.batch_action, name="batch"),
    path("confirm/", secretariat.confirm, name="confirm"),
    path("mail/", secretariat.mail_log, name="mail_log"),
    path("members/", secretariat.members, name="members"),
    path("members/import/", secretariat.member_import, name="member_import"),
    path("members/<int:pk>/deactivate/", secretariat.member_deactivate, name="member_deactivate"),
    # 签字盖章 and the 推荐汇总表 (nominations.stamps).
    path("entries/<int:pk>/stamped/", stamps.entry_upload, name="stamp_upload"),
    path("confirm/summary/", stamps.summary_upload, name="summary_upload"),
    path("confirm/summary.docx", stamps.summary_word, name="summary_docx"),
    path("confirm/summary.pdf", stamps.summary_pdf_view, name="summary_pdf"),
]
