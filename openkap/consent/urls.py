from django.urls import path, register_converter

from openkap.consent import views
from openkap.consent.converters import ConsentKindConverter

register_converter(ConsentKindConverter, "consent_kind")

app_name = "consent"
urlpatterns = [
    # Clinic administrators.
    path("documents/", views.documents_view, name="documents"),
    path("documents/<consent_kind:kind>/publish/", views.publish_view, name="publish"),
    # The patient, signed in at the portal.
    path("mine/", views.mine_view, name="mine"),
    path("mine/<consent_kind:kind>/sign/", views.sign_view, name="sign"),
    path("mine/<consent_kind:kind>/withdraw/", views.withdraw_view, name="withdraw"),
    # Staff, for one patient.
    path("patient/<uuid:public_id>/", views.patient_consents_view, name="patient"),
    path("patient/<uuid:public_id>/withdraw/", views.staff_withdraw_view, name="staff_withdraw"),
    path("patient/<uuid:public_id>/tablet/", views.tablet_start_view, name="tablet_start"),
    # The clinic tablet (the patient is named by the staff member's session, not the URL).
    path("tablet/", views.tablet_view, name="tablet"),
    path("tablet/done/", views.tablet_cancel_view, name="tablet_done"),
]
