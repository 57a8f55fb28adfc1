from django.urls import path, register_converter

from openkap.screening import views
from openkap.screening.converters import InstrumentIdConverter

register_converter(InstrumentIdConverter, "instrument")

app_name = "screening"
urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("codes/", views.code_search_view, name="code_search"),
    path("<uuid:public_id>/", views.intake_view, name="intake"),
    path("<uuid:public_id>/problems/", views.problem_add_view, name="problem_add"),
    path("<uuid:public_id>/problems/change/", views.problem_change_view, name="problem_change"),
    path("<uuid:public_id>/medications/", views.medication_add_view, name="medication_add"),
    path(
        "<uuid:public_id>/medications/remove/",
        views.medication_remove_view,
        name="medication_remove",
    ),
    path("<uuid:public_id>/allergies/", views.allergy_add_view, name="allergy_add"),
    path("<uuid:public_id>/allergies/remove/", views.allergy_remove_view, name="allergy_remove"),
    path("<uuid:public_id>/measurements/", views.measurement_add_view, name="measurement_add"),
    path("<uuid:public_id>/substances/", views.substance_set_view, name="substance_set"),
    path("<uuid:public_id>/pregnancy/", views.pregnancy_set_view, name="pregnancy_set"),
    path(
        "<uuid:public_id>/questionnaires/<instrument:instrument_id>/",
        views.questionnaire_view,
        name="questionnaire",
    ),
    path("<uuid:public_id>/decision/", views.decision_view, name="decision"),
    path("<uuid:public_id>/decision/evaluate/", views.evaluate_view, name="evaluate"),
    path("<uuid:public_id>/decision/sign/", views.sign_view, name="sign"),
    path("<uuid:public_id>/decision/addenda/", views.addendum_add_view, name="addendum_add"),
]
