from django.urls import path

from openkap.patients import views

app_name = "patients"
urlpatterns = [
    path("", views.patient_list_view, name="list"),
    path("register/", views.patient_register_view, name="register"),
    path("emergency/", views.emergency_access_view, name="emergency"),
    path("<uuid:public_id>/", views.patient_chart_view, name="chart"),
    path("<uuid:public_id>/edit/", views.patient_edit_view, name="edit"),
    path("<uuid:public_id>/support/", views.support_person_add_view, name="support_add"),
    path(
        "<uuid:public_id>/support/<int:person_id>/remove/",
        views.support_person_remove_view,
        name="support_remove",
    ),
]
