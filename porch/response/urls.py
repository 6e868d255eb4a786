from django.urls import include, path

from porch.response import views

app_name = "response"

urlpatterns = [
    path("", views.index, name="index"),
    path("org/<str:code>/report/", views.report_create, name="report-create"),
    path("org/<str:code>/tell/", views.member_report, name="member-report"),
    path("report/<str:code>/", views.report_detail, name="report"),
    path("report/<str:code>/triage/", views.report_triage, name="report-triage"),
    path("report/<str:code>/merge/", views.report_merge, name="report-merge"),
    path("report/<str:code>/dispatch/", views.report_dispatch, name="report-dispatch"),
    path("report/<str:code>/publish/", views.report_publish, name="report-publish"),
    path("report/<str:code>/close/", views.report_close, name="report-close"),
    path("report/<str:code>/false-alarm/", views.report_false_alarm, name="report-false-alarm"),
    path("org/<str:code>/debrief/", views.debrief_page, name="debrief"),
    path("settings/", views.settings_edit, name="settings"),
    path("alert/<str:code>/all-clear/", views.alert_clear, name="alert-clear"),
    path("alert/<str:code>/correction/", views.alert_correct, name="alert-correct"),
    path("dispatch/<str:code>/", views.dispatch_detail, name="dispatch"),
    path("dispatch/<str:code>/answer/", views.dispatch_answer, name="dispatch-answer"),
    path("dispatch/<str:code>/outcome/", views.dispatch_outcome, name="dispatch-outcome"),
    path("status/<str:code>/", views.status_page, name="status"),
    # Legal handoffs, incident records and follow-up cases (porch.response.cases).
    path("legal/", include("porch.response.cases.urls")),
]
