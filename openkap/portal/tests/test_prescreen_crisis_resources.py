"""An answer suggesting current suicidal thoughts shows crisis resources (988) at once."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.portal.models import Lead
from openkap.portal.tests.prescreen_answers import answers

pytestmark = pytest.mark.django_db


def test_it_shows_988_with_the_next_step_and_flags_the_lead_urgent(clinic):
    client = Client()
    client.post(reverse("portal:prescreen"), answers(clinic, suicidal_thoughts="yes"))
    page = client.get(reverse("portal:prescreen_result")).content.decode()
    assert 'id="crisis-box"' in page
    assert "988" in page
    assert page.index("crisis-box") < page.index("<h1>Your next step")
    assert Lead.objects.get().urgent is True


def test_it_shows_988_even_when_the_rest_of_the_form_is_not_finished(db):
    response = Client().post(reverse("portal:prescreen"), {"suicidal_thoughts": "yes"})
    assert response.status_code == 400
    page = response.content.decode()
    box = page[page.index('id="crisis-box"') - 200 : page.index('id="crisis-box"')]
    assert "hidden" not in box
    assert not Lead.objects.exists()


def test_the_crisis_box_is_on_the_form_ready_to_show_the_moment_yes_is_picked(db):
    page = Client().get(reverse("portal:prescreen")).content.decode()
    assert 'id="crisis-box"' in page
    assert "prescreen.js" in page


def test_no_crisis_box_on_the_next_step_when_the_answer_is_no(clinic):
    client = Client()
    client.post(reverse("portal:prescreen"), answers(clinic))
    page = client.get(reverse("portal:prescreen_result")).content.decode()
    assert 'id="crisis-box"' not in page
    assert Lead.objects.get().urgent is False
