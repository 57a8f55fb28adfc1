from django.urls import path

from openkap.athome import views

app_name = "athome"
urlpatterns = [
    # The patient, in the portal.
    path("me/", views.me_view, name="me"),
    path("me/count/", views.count_view, name="count"),
    path("me/sessions/<int:appointment_id>/checkin/", views.checkin_view, name="checkin"),
    path("me/checkins/<int:checkin_id>/", views.checkin_result_view, name="checkin_result"),
    path("me/sessions/<int:appointment_id>/dose/", views.dose_view, name="dose"),
    path("me/sessions/<int:appointment_id>/report/", views.report_view, name="report"),
    # The care team.
    path("", views.programme_view, name="programme"),
    path("patients/<uuid:public_id>/", views.patient_view, name="patient"),
    path("patients/<uuid:public_id>/dispense/", views.dispense_view, name="dispense"),
    path("dispensings/<int:dispensing_id>/return/", views.return_view, name="return"),
    path("appointments/<int:appointment_id>/link/", views.link_view, name="link"),
    path("alerts/", views.alerts_view, name="alerts"),
    path("alerts/<int:alert_id>/acknowledge/", views.acknowledge_view, name="acknowledge"),
]
