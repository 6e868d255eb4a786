from django.urls import path

from porch.response.cases import views

app_name = "cases"

urlpatterns = [
    path("org/<str:code>/detained/", views.detained, name="detained"),
    path("signup/<str:code>/detained/", views.escalate, name="escalate"),
    path("", views.queue, name="queue"),
    path("handoff/<str:code>/", views.handoff_detail, name="handoff"),
    path("handoff/<str:code>/accept/", views.handoff_accept, name="handoff-accept"),
    path("handoff/<str:code>/entry/", views.handoff_entry, name="handoff-entry"),
    path("handoff/<str:code>/media/", views.handoff_media, name="handoff-media"),
    path("handoff/<str:code>/case/", views.handoff_case, name="handoff-case"),
    path("media/<str:code>/original/", views.media_original, name="media-original"),
    path("media/<str:code>/shareable/", views.media_copy, name="media-copy"),
    path("case/<str:code>/", views.case_detail, name="case"),
    path("case/<str:code>/need/", views.case_need, name="case-need"),
    path("case/<str:code>/close/", views.case_close, name="case-close"),
    path("case/<str:code>/release/", views.case_release, name="case-release"),
    path("need/<str:code>/done/", views.need_done, name="need-done"),
    path("tasks/", views.tasks, name="tasks"),
]
