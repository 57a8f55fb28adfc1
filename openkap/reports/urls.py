from django.urls import path

from openkap.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.reports_view, name="index"),
    path("report.csv", views.report_csv_view, name="csv"),
    path("report.pdf", views.report_pdf_view, name="pdf"),
    path("export.csv", views.export_view, name="export"),
]
