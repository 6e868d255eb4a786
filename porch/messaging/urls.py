from django.urls import path

from porch.messaging import views

app_name = "messaging"

urlpatterns = [
    path("", views.index, name="index"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("notifications/", views.notifications, name="notifications"),
    path("lists/<str:code>/subscribers/", views.subscribers, name="subscribers"),
    path("lists/<str:code>/subscribers/new/", views.subscriber_add, name="subscriber-add"),
    path("lists/<str:code>/broadcasts/new/", views.broadcast_new, name="broadcast-new"),
    path("subscribers/<str:code>/stop/", views.subscriber_stop, name="subscriber-stop"),
    path("broadcasts/<str:code>/", views.broadcast, name="broadcast"),
    path("broadcasts/<str:code>/all-clear/", views.broadcast_all_clear, name="all-clear"),
    path("broadcasts/<str:code>/correction/", views.broadcast_correction, name="correction"),
    path("templates/", views.templates, name="templates"),
    path("templates/<str:key>/<str:language>/", views.template_edit, name="template-edit"),
    path("inbound/<str:kind>/", views.inbound, name="inbound"),
    path("status/<str:kind>/", views.status, name="status"),
]
