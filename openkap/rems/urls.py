from django.urls import path

from openkap.rems import views

app_name = "rems"
urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("start/", views.start_view, name="start"),
    path("<uuid:form_id>/", views.form_view, name="form"),
    path("<uuid:form_id>/submission/", views.submission_view, name="submission"),
    path("<uuid:form_id>/print/", views.print_view, name="print"),
]
