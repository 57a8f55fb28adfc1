"""Every free-text entry point of the portal says the clinic may not watch it in real time."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

NOTICE = "Your clinic may not see this right away."


def test_the_questionnaire_pages_say_the_clinic_may_not_be_watching(portal_client, assign):
    assignment = assign()
    for url in (
        reverse("portal:questionnaires"),
        reverse("portal:questionnaire", kwargs={"assignment_id": assignment.pk}),
    ):
        assert NOTICE in portal_client.get(url).content.decode(), url


def test_the_prescreen_form_says_the_clinic_may_not_be_watching(clinic):
    assert NOTICE in Client().get(reverse("portal:prescreen")).content.decode()
