from django.urls import path

from nominations.views import platform, platform_formal

app_name = "platform"

urlpatterns = [
    path("", platform.dashboard, name="dashboard"),
    path("units/", platform.units, name="units"),
    path("units/<int:pk>/reopen/", platform.reopen, name="reopen"),
    path("units/<int:pk>/deactivate/", platform.unit_deactivate, name="unit_deactivate"),
    path("pioneers/", platform.pioneers, name="pioneers"),
    path("pioneers/<int:pk>/deactivate/", platform.pioneer_deactivate, name="pioneer_deactivate"),
    path("import/<str:kind>/", platform.import_view, name="import"),
    path("extensions/", platform.extension_list, name="extensions"),
    path("audit/", platform.audit_log, name="audit_log"),
    path("mail/", platform.mail_log, name="mail_log"),
    # 形式审查 by the platform of confirmed units' recommendations (nominations.formal).
    path("formal/", platform_formal.queue, name="formal_queue"),
    path("formal/<int:pk>/", platform_formal.review, name="formal_review"),
]
