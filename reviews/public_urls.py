from django.urls import path

from reviews import public_views

app_name = "publication"

urlpatterns = [
    path("<int:year>/", public_views.published_lists, name="lists"),
    path("<int:year>/excel/", public_views.published_excel, name="excel"),
]
