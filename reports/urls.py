from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("periods/<int:pk>/official/", views.narrative_edit, name="narrative-edit"),
    path("periods/<int:pk>/official/report.docx", views.report_docx, name="report-docx"),
    path("periods/<int:pk>/official/report.pdf", views.report_pdf, name="report-pdf"),
    path("periods/<int:pk>/official/annexes.xlsx", views.report_xlsx, name="report-xlsx"),
]
