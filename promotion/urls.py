from django.urls import path

from promotion import partner_views, views

app_name = "promotion"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.profile, name="profile"),
    path("<int:pk>/request/", views.send_request, name="request"),
    path("<int:pk>/docx/", partner_views.profile_docx, name="profile_docx"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.consent, name="consent"),
    path("mine/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("requests/<int:pk>/answer/", views.answer, name="answer"),
    path("partners/apply/", views.partner_apply, name="partner_apply"),
    path("partner/", views.partner_dashboard, name="partner"),
    path("partner/offers/new/", views.offer_new, name="offer_new"),
    path("platform/", views.platform, name="platform"),
    path("platform/partners/<int:pk>/", views.partner_step, name="partner_step"),
    path("platform/requests/<int:pk>/", views.moderate, name="moderate"),
    path("platform/packages/", views.platform_packages, name="platform_packages"),
    path("platform/stats/", views.platform_stats, name="platform_stats"),
    path("partner/packages/<int:pk>/", views.package, name="package"),
    path("partner/packages/<int:pk>/docx/", partner_views.package_docx, name="package_docx"),
    path("partner/staff/", partner_views.staff_add, name="staff_add"),
    path("partner/staff/<int:pk>/remove/", partner_views.staff_remove, name="staff_remove"),
    path("partner/requests/<int:pk>/outcome/", views.report_outcome, name="report_outcome"),
    path("outcomes/<int:pk>/confirm/", views.confirm_outcome, name="confirm_outcome"),
]
