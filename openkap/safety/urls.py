from django.urls import path

from openkap.safety import views

app_name = "safety"
urlpatterns = [
    # Staff, for one patient.
    path("patient/<uuid:public_id>/", views.patient_view, name="patient"),
    path("patient/<uuid:public_id>/record/", views.record_view, name="record"),
    path("patient/<uuid:public_id>/events/<int:event_id>/", views.event_view, name="event"),
    path("patient/<uuid:public_id>/result/", views.result_view, name="result"),
    # Staff, for the clinic.
    path("events/", views.events_view, name="events"),
    path("monitoring/due/", views.due_view, name="due"),
    path("monitoring/cadence/", views.cadence_view, name="cadence"),
    # The patient, signed in at the portal.
    path("mine/", views.mine_view, name="mine"),
]
