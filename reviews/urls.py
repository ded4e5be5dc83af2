from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("expert/", views.expert_dashboard, name="expert_dashboard"),
    path("coordinator/", views.coordinator_dashboard, name="coordinator_dashboard"),
]
