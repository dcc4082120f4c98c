from django.urls import path

from plans import import_views, targets, views

app_name = "plans"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("plans/<int:plan_pk>/periods/", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_report, name="period-report"),
    path("periods/<int:pk>/report.xlsx", views.period_report_xlsx, name="period-report-xlsx"),
    path("periods/<int:pk>/report.csv", views.period_report_csv, name="period-report-csv"),
    # One table a file: plain UTF-8, or for Excel set to Vietnamese (plans/exports.py).
    path("periods/<int:pk>/csv/<slug:table>.csv", views.period_table_csv,
         name="period-table-csv"),
    path("periods/<int:pk>/csv-excel/<slug:table>.csv", views.period_table_csv_excel,
         name="period-table-csv-excel"),
    path("periods/<int:pk>/close/", views.period_close, name="period-close"),
    # Plan targets (chỉ tiêu) and their actuals: plans/targets.py
    path("plans/<int:plan_pk>/indicators/", targets.indicator_list, name="indicator-list"),
    path("plans/<int:plan_pk>/indicators/new/", targets.indicator_create,
         name="indicator-create"),
    path("plans/<int:plan_pk>/indicators/actual/", targets.indicator_value,
         name="indicator-value"),
    path("indicators/<int:pk>/edit/", targets.indicator_edit, name="indicator-edit"),
    path("indicators/<int:pk>/delete/", targets.indicator_delete, name="indicator-delete"),
    # Importing a plan's task list from a file: plans/import_views.py
    path("plans/<int:plan_pk>/import/", import_views.plan_import, name="plan-import"),
    path("plans/<int:plan_pk>/import/<str:token>/", import_views.import_preview,
         name="plan-import-preview"),
    path("plans/<int:plan_pk>/import/<str:token>/confirm/", import_views.import_confirm,
         name="plan-import-confirm"),
]
