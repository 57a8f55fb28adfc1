from django.urls import path

from openkap.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("alerts/", views.alerts_view, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
    path("patients/<uuid:public_id>/", views.chart_view, name="chart"),
    path("patients/<uuid:public_id>/record/", views.record_view, name="record"),
    path("patients/<uuid:public_id>/schedule/", views.schedule_view, name="schedule"),
    path("patients/<uuid:public_id>/decision/", views.decision_view, name="decision"),
]
