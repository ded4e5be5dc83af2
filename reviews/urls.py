from django.urls import path

from reviews import coordinator_views, expert_views, notice_views, panel_views, platform_views, pool_views, stats_views

app_name = "reviews"

urlpatterns = [
    # Experts
    path("expert/", expert_views.expert_dashboard, name="expert_dashboard"),
    path("expert/entries/<int:pk>/", expert_views.expert_nomination, name="expert_nomination"),
    path("expert/entries/<int:pk>/conflict/", expert_views.declare_conflict, name="declare_conflict"),
    path("entries/<int:pk>/form.docx", expert_views.nomination_form_docx, name="nomination_form"),
    # Coordinators
    path("coordinator/", coordinator_views.coordinator_dashboard, name="coordinator_dashboard"),
    path("coordinator/auto-assign/", coordinator_views.auto_assign, name="auto_assign"),
    path("coordinator/invite/", coordinator_views.invite, name="invite"),
    path("coordinator/submit/", coordinator_views.submit_results, name="submit_results"),
    path("coordinator/entries/<int:pk>/", coordinator_views.coordinator_nomination, name="coordinator_nomination"),
    path("coordinator/entries/<int:pk>/assign/", coordinator_views.assign_expert, name="assign_expert"),
    path("coordinator/assignments/<int:pk>/remove/", coordinator_views.remove_assignment, name="remove_assignment"),
    # Platform secretariat
    path("platform/dispatch/", platform_views.dispatch_page, name="platform_dispatch"),
    path("platform/dispatch/<int:pk>/move/", platform_views.move_entry, name="platform_move"),
    path("platform/dispatch/units/<int:pk>/decide/", platform_views.decide_unconfirmed, name="platform_unconfirmed"),
    path("platform/progress/", platform_views.progress_page, name="platform_progress"),
    path("platform/progress/<int:pk>/extension/", platform_views.grant_extension, name="platform_extension"),
    path("platform/final/", platform_views.final_page, name="platform_final"),
    path("platform/final/decide/", platform_views.decide, name="platform_decide"),
    path("platform/final/targets/<int:pk>/", platform_views.set_target, name="platform_target"),
    path("platform/final/ranking.xlsx", platform_views.ranking_excel, name="platform_ranking_excel"),
    path("platform/publish/", platform_views.publish, name="platform_publish"),
    path("platform/progress/<int:pk>/close/", platform_views.close_review, name="platform_close_review"),
    # The panel meeting of the final review (会评)
    path("panel/", panel_views.panel_list, name="panel_list"),
    path("panel/<int:pk>/", panel_views.panel_meeting, name="panel_meeting"),
    path("panel/<int:pk>/attendance/", panel_views.record_attendance, name="panel_attendance"),
    path("panel/<int:pk>/candidates/", panel_views.add_candidates, name="panel_candidates"),
    path("panel/<int:pk>/open/", panel_views.open_vote, name="panel_open"),
    path("panel/<int:pk>/vote/", panel_views.cast_ballot, name="panel_vote"),
    path("panel/<int:pk>/close/", panel_views.close_vote, name="panel_close"),
    path("panel/<int:pk>/candidates/<int:candidate_pk>/tie/", panel_views.resolve_tie, name="panel_tie"),
    path("panel/<int:pk>/minutes.docx", panel_views.minutes_docx, name="panel_minutes"),
    path("panel/<int:pk>/minutes.pdf", panel_views.minutes_pdf, name="panel_minutes_pdf"),
    # Statistics (统计)
    path("platform/stats/", stats_views.stats_page, name="platform_stats"),
    # The expert pool, the pledge and the optimal assignment (issue 15)
    path("coordinator/assignment-plan/", pool_views.assignment_preview, name="assignment_plan"),
    path("coordinator/experts/", pool_views.expert_pool, name="expert_pool"),
    path("coordinator/experts/draw/", pool_views.draw_experts, name="draw_experts"),
    path("coordinator/experts/import/", pool_views.import_experts, name="import_experts"),
    path("coordinator/experts/<int:pk>/change/", pool_views.decide_change, name="decide_profile_change"),
    path("coordinator/experts/<int:pk>/withdraw/", pool_views.withdraw_expert, name="withdraw_expert"),
    path("expert/pledge/", pool_views.expert_pledge, name="expert_pledge"),
    path("expert/profile/", pool_views.expert_profile, name="expert_profile"),
    # 公示 and its cases (reviews.notice_views)
    path("platform/notice/", notice_views.platform_notice, name="platform_notice"),
    path("platform/notice/open/", notice_views.platform_notice_open, name="platform_notice_open"),
    path("platform/notice/report.xlsx", notice_views.platform_notice_excel, name="platform_notice_excel"),
    path("platform/notice/cases/<int:pk>/", notice_views.platform_case, name="platform_case"),
    path("platform/notice/cases/<int:pk>/step/", notice_views.platform_case_step, name="platform_case_step"),
    path("notice/cases/", notice_views.notice_cases, name="notice_cases"),
    path("notice/cases/<int:pk>/", notice_views.notice_case, name="notice_case"),
    path("notice/cases/<int:pk>/answer/", notice_views.notice_case_answer, name="notice_case_answer"),
    path("notice/entries/<int:pk>/correction/", notice_views.notice_correction, name="notice_correction"),
    path("notice/files/<int:pk>/", notice_views.case_file, name="case_file"),
]
