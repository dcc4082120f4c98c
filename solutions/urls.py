from django.urls import path

from solutions import views

app_name = "solutions"
urlpatterns = [
    path("my/", views.my_assignments, name="my-assignments"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<int:pk>/", views.task_detail, name="task-detail"),
    path("assignments/", views.assignment_list, name="assignment-list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence-download"),
]
