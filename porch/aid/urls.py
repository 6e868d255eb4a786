from django.urls import path

from porch.aid import plan_views, views

app_name = "aid"

urlpatterns = [
    path("", views.index, name="index"),
    path("orgs/<str:code>/requests/new/", views.request_create, name="request-create"),
    path(
        "orgs/<str:code>/requests/partner/", views.intermediary_create, name="intermediary-create"
    ),
    path("orgs/<str:code>/hubs/new/", views.hub_create, name="hub-create"),
    path("orgs/<str:code>/plan/", views.plan, name="plan"),
    path("orgs/<str:code>/plan/publish/", views.publish, name="publish"),
    path(
        "orgs/<str:code>/plan/stops/<str:stop>/move/",
        plan_views.move_stop,
        name="plan-move-stop",
    ),
    path("requests/<str:code>/", views.request_detail, name="request"),
    path("requests/<str:code>/no-answer/", views.request_no_answer, name="request-no-answer"),
    path("requests/<str:code>/confirm/", views.request_confirm, name="request-confirm"),
    path("requests/<str:code>/close/", views.request_close, name="request-close"),
    path("runs/<str:code>/", views.run_detail, name="run"),
    path("runs/<str:code>/claim/", views.run_claim, name="run-claim"),
    path("runs/<str:code>/dispatch/", views.run_dispatch, name="run-dispatch"),
    path("runs/<str:code>/complete/", views.run_complete, name="run-complete"),
    path("runs/<str:code>/sheet/", views.run_sheet, name="run-sheet"),
    path("runs/<str:code>/corners/", views.run_corners, name="run-corners"),
    path("runs/<str:code>/stops/<str:stop>/deliver/", views.stop_deliver, name="stop-deliver"),
    path("runs/<str:code>/stops/<str:stop>/fail/", views.stop_fail, name="stop-fail"),
]

# ---- Stop confirmation from the run sheet's QR codes (porch/aid/stop_views.py) ----
from porch.aid import stop_views  # noqa: E402

urlpatterns += [
    path("s/<str:stop>/", stop_views.stop_confirm, name="stop"),
]

# ---- Coordinators cancel or unpublish a run (porch/aid/run_cancel_views.py) ----
from porch.aid import run_cancel_views  # noqa: E402

urlpatterns += [
    path("runs/<str:code>/cancel/", run_cancel_views.run_cancel_view, name="run-cancel"),
    path("runs/<str:code>/unpublish/", run_cancel_views.run_unpublish_view, name="run-unpublish"),
]

# ---- Reimbursements (porch/aid/reimbursement_views.py) ----
from porch.aid import reimbursement_views  # noqa: E402

urlpatterns += [
    path(
        "orgs/<str:code>/reimbursements/",
        reimbursement_views.reimbursement_list,
        name="reimbursements",
    ),
    path(
        "reimbursements/<str:code>/decide/",
        reimbursement_views.reimbursement_decide,
        name="reimbursement-decide",
    ),
    path(
        "reimbursements/<str:code>/receipt/",
        reimbursement_views.reimbursement_receipt,
        name="reimbursement-receipt",
    ),
]

# ---- CSV import of request sheets (porch/aid/import_views.py) ----
from porch.aid import import_views  # noqa: E402

urlpatterns += [
    path("orgs/<str:code>/import/", import_views.import_requests, name="import-requests"),
]

# ---- Hubs, stock, reimbursements, CSV import (porch/aid/hub_views.py) ----
from porch.aid import hub_views  # noqa: E402

urlpatterns += [
    path("hubs/", hub_views.hub_list, name="hubs"),
    path("hubs/<str:code>/", hub_views.hub_detail, name="hub"),
    path("hubs/<str:code>/items/", hub_views.hub_item_create, name="hub-item-create"),
    path("hubs/<str:code>/threshold/", hub_views.hub_threshold, name="hub-threshold"),
    path("hubs/<str:code>/donations/", hub_views.hub_donation, name="hub-donation"),
    path("hubs/<str:code>/reserve/", hub_views.hub_reserve, name="hub-reserve"),
    path(
        "hubs/<str:code>/reservations/<str:reservation>/release/",
        hub_views.reservation_release,
        name="hub-reservation-release",
    ),
    path("hubs/<str:code>/meals/", hub_views.hub_meals, name="hub-meals"),
    path("hubs/<str:code>/public/", hub_views.hub_public, name="hub-public"),
    path("hubs/<str:code>/needs/", hub_views.hub_needs, name="hub-needs"),
]

# ---- A driver's car size and usual hub (porch/aid/car_views.py) ----
from porch.aid import car_views  # noqa: E402

urlpatterns += [
    path("orgs/<str:code>/car/", car_views.car, name="car"),
]
