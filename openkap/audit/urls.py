from django.urls import path

from openkap.audit import views

app_name = "audit"
urlpatterns = [path("", views.audit_report_view, name="report")]
