from django.urls import path

from openkap.pharmacology import views

app_name = "pharmacology"

urlpatterns = [
    path("settings/", views.settings_view, name="settings"),
    path("planner/", views.planner_view, name="planner"),
    path("planner/<uuid:public_id>/", views.planner_session_view, name="planner_session"),
]
