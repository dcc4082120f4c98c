from django.urls import path

from insight import unit_views, views

app_name = "insight"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("periods/", views.period_current, name="period-current"),
    path("plans/<int:plan_pk>/periods/", views.period_list, name="period-list"),
    path("periods/<int:pk>/", views.period_report, name="period-report"),
    path("periods/<int:pk>/report.xlsx", views.period_report_xlsx, name="period-report-xlsx"),
    path("periods/<int:pk>/report.csv", views.period_report_csv, name="period-report-csv"),
    # One table a file: plain UTF-8, or for Excel set to Vietnamese (insight/exports.py).
    path("periods/<int:pk>/csv/<slug:table>.csv", views.period_table_csv,
         name="period-table-csv"),
    path("periods/<int:pk>/csv-excel/<slug:table>.csv", views.period_table_csv_excel,
         name="period-table-csv-excel"),
    path("periods/<int:pk>/close/", views.period_close, name="period-close"),
    path("thuat-ngu/", views.glossary, name="glossary"),
    path("units/", unit_views.unit_list, name="unit-list"),
    path("units/ranking/", unit_views.unit_ranking, name="unit-ranking"),
    path("units/heatmap/", unit_views.unit_heatmap, name="unit-heatmap"),
    path("units/<int:pk>/", unit_views.unit_detail, name="unit-detail"),
]
