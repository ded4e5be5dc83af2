from django.urls import path

from nominations.views import attachments, member

app_name = "pioneer"

urlpatterns = [
    path("", member.dashboard, name="dashboard"),
    path("new/", member.new_entry, name="new"),
    path("<int:pk>/", member.detail, name="detail"),
    path("<int:pk>/edit/", member.edit, name="edit"),
    path("<int:pk>/autosave/", member.autosave, name="autosave"),
    path("<int:pk>/act/<str:action>/", member.act, name="act"),
    path("<int:pk>/attachments/", attachments.upload, name="upload"),
    path("<int:pk>/attachments/<int:attachment_pk>/delete/", attachments.delete, name="delete_attachment"),
]
