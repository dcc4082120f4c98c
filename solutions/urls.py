from django.urls import path

from solutions import coordination, import_views, plan_setup, views

app_name = "solutions"
urlpatterns = [
    path("my/", views.my_assignments, name="my-assignments"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/new/", coordination.task_create, name="task-create"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("tasks/<int:pk>/edit/", coordination.task_edit, name="task-edit"),
    path("tasks/<int:pk>/assign/", coordination.task_assign, name="task-assign"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/verify/", coordination.assignment_verify,
         name="assignment-verify"),
    path("assignments/<int:pk>/return/", coordination.assignment_return,
         name="assignment-return"),
    path("assignments/<int:pk>/extend/", coordination.assignment_extend,
         name="assignment-extend"),
    path("verification/", coordination.verification_queue, name="verification-queue"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
    # Importing a plan's task list from a file
    path("plans/<int:plan_pk>/import/", import_views.plan_import, name="plan-import"),
    path("plans/<int:plan_pk>/import/<str:token>/", import_views.import_preview,
         name="plan-import-preview"),
    path("plans/<int:plan_pk>/import/<str:token>/confirm/", import_views.import_confirm,
         name="plan-import-confirm"),
    # The conversation on an assignment and "Nhắc việc" (issue 11)
    path("assignments/<int:pk>/comment/", views.assignment_comment, name="assignment-comment"),
    path("assignments/<int:pk>/remind/", views.assignment_remind, name="assignment-remind"),
    path("comments/<int:pk>/attachment/", views.comment_attachment, name="comment-attachment"),
    path("units/<int:pk>/remind/", views.unit_remind, name="unit-remind"),
    # A new year's plan from a previous one (coordinators): solutions/plan_setup.py
    path("plans/new/", plan_setup.plan_create, name="plan-create"),
]
