from django.urls import path

from openkap.dosing import views

app_name = "dosing"
urlpatterns = [
    path("today/", views.today_view, name="today"),
    path("<uuid:public_id>/gate/", views.gate_view, name="gate"),
    path("<uuid:public_id>/override/", views.override_view, name="override"),
]
