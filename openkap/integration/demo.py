"""Demo integration notes for `openkap demo`: the demo clinic's therapist writes the chart note of
each past integration session (themes, goals, follow-up) and signs it, except the newest, left as a
draft; and keeps one private psychotherapy note, readable by the therapist alone."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone

from openkap.accounts.models import Clinic, User
from openkap.demo.loading import password_checks_remembered, services_clock
from openkap.integration.models import IntegrationNote, PsychotherapyNote
from openkap.integration.services import (
    integration_note_create,
    integration_note_sign,
    psychotherapy_note_write,
)
from openkap.plans.models import Appointment, AppointmentKind

DEMO_CLINIC = "Harbor Mind Brookline"
THERAPIST = "therapist.haddad"
# (themes, goals, follow-up) in turn: synthetic, written as a therapist would.
NOTES = (
    (
        "First dose: felt 'lighter, then far away'; surprised by memories of a grandparent's garden. "
        "Some fear at the onset, eased with the agreed signal and breathing.",
        "Name one moment of the week that felt like the garden; keep the morning walk.",
        "Journal three lines each evening; bring one entry to the next session.",
    ),
    (
        "Noticed the usual self-critical voice 'from a distance' during the session; curious rather "
        "than frightened. Sleep better for two nights.",
        "Practise stepping back from the critical voice (defusion exercise, 5 minutes a day).",
        "Review the exercise log; check mood and sleep with the PHQ-9 before the next dose.",
    ),
    (
        "Grief about a lost friendship came up strongly; cried, felt relief afterwards. Wants to "
        "contact the friend but is unsure.",
        "Write an unsent letter first; decide about contact after the next dose, not before.",
        "Bring the letter; revisit the decision with the support person present if wished.",
    ),
    (
        "Less vivid session; mostly calm and bodily warmth. Disappointed that 'nothing happened'.",
        "Expectations: the work is in integration, not the intensity of the session.",
        "Values exercise at home; discuss whether the dose is unchanged with the prescriber.",
    ),
    (
        "Described reconnecting with music; played the piano for the first time in a year.",
        "Keep 20 minutes of piano three times a week as a marker of re-engagement.",
        "Reassessment questionnaires next week; plan the maintenance conversation.",
    ),
    (
        "Anxious before the session about work; during it, images of open water and calm.",
        "Use the open-water image as a grounding cue at work.",
        "Draft note: finish after checking the patient's journal entry.",
    ),
)
PRIVATE_NOTE = (
    "Process impressions (mine only): transference toward me as the 'steady parent' is strong; "
    "watch for dependence as the series ends. Consider supervision on this case."
)


def _request(user: User) -> HttpRequest:
    # Signing asks for the password again, through the authentication backends.
    request = RequestFactory().post("/integration/demo/")
    request.user = user
    request.session = SessionStore()
    return request


def load_for_demo(*, password: str) -> bool:
    clinic = Clinic.objects.filter(name=DEMO_CLINIC).first()
    therapist = User.objects.filter(username=THERAPIST).first()
    if clinic is None or therapist is None:
        return False
    if IntegrationNote.objects.filter(patient__clinic=clinic).exists():
        return False
    past = Appointment.objects.filter(
        patient__clinic=clinic, kind=AppointmentKind.INTEGRATION, starts_at__lte=timezone.now()
    ).order_by("starts_at", "pk")[: len(NOTES)]
    appointments = list(past)
    with services_clock() as clock, password_checks_remembered():
        for n, (appointment, (themes, goals, follow_up)) in enumerate(
            zip(appointments, NOTES, strict=False)
        ):
            clock.at(appointment.starts_at + timedelta(minutes=appointment.duration_minutes))
            note = integration_note_create(
                actor=therapist,
                appointment=appointment,
                themes=themes,
                goals=goals,
                follow_up=follow_up,
            )
            if n < len(appointments) - 1:
                clock.at(
                    appointment.starts_at + timedelta(minutes=appointment.duration_minutes + 20)
                )
                integration_note_sign(
                    actor=therapist,
                    note=note,
                    expected_version=note.version,
                    password=password,
                    request=_request(therapist),
                )
        if appointments and not PsychotherapyNote.objects.filter(author=therapist).exists():
            clock.at(appointments[0].starts_at + timedelta(hours=2))
            psychotherapy_note_write(
                actor=therapist, patient=appointments[0].patient, text=PRIVATE_NOTE
            )
    return bool(appointments)
