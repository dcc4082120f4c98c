from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    # Plan targets (chỉ tiêu) and their actuals
    path("plans/<int:plan_pk>/indicators/", views.indicator_list, name="indicator-list"),
    path("plans/<int:plan_pk>/indicators/new/", views.indicator_create, name="indicator-create"),
    path("plans/<int:plan_pk>/indicators/actual/", views.indicator_value,
         name="indicator-value"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator-delete"),
]
