from django.urls import path

from reviews import platform_views, views

app_name = "reviews"

urlpatterns = [
    # Experts
    path("expert/", views.expert_dashboard, name="expert_dashboard"),
    path("expert/entries/<int:pk>/", views.expert_entry, name="expert_entry"),
    path("expert/entries/<int:pk>/conflict/", views.declare_conflict, name="declare_conflict"),
    path("entries/<int:pk>/form.docx", views.entry_form_docx, name="entry_form"),
    # Coordinators
    path("coordinator/", views.coordinator_dashboard, name="coordinator_dashboard"),
    path("coordinator/auto-assign/", views.auto_assign, name="auto_assign"),
    path("coordinator/invite/", views.invite, name="invite"),
    path("coordinator/submit/", views.submit_results, name="submit_results"),
    path("coordinator/entries/<int:pk>/", views.coordinator_entry, name="coordinator_entry"),
    path("coordinator/entries/<int:pk>/assign/", views.assign_expert, name="assign_expert"),
    path("coordinator/assignments/<int:pk>/remove/", views.remove_assignment, name="remove_assignment"),
    # Platform secretariat
    path("platform/dispatch/", platform_views.dispatch_page, name="platform_dispatch"),
    path("platform/dispatch/<int:pk>/move/", platform_views.move_entry, name="platform_move"),
    path("platform/progress/", platform_views.progress_page, name="platform_progress"),
    path("platform/progress/<int:pk>/extension/", platform_views.grant_extension, name="platform_extension"),
    path("platform/final/", platform_views.final_page, name="platform_final"),
    path("platform/final/decide/", platform_views.decide, name="platform_decide"),
    path("platform/final/targets/<int:pk>/", platform_views.set_target, name="platform_target"),
    path("platform/final/ranking.xlsx", platform_views.ranking_excel, name="platform_ranking_excel"),
    path("platform/publish/", platform_views.publish, name="platform_publish"),
]
