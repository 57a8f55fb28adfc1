"""A pre-screen with a missing or wrong answer names the field and saves nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from openkap.portal.models import Lead
from openkap.portal.tests.prescreen_answers import answers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"consent_to_contact": None}, "consent_to_contact"),
        ({"phone": "", "email": ""}, "phone"),
        ({"age": 400}, "age"),
        ({"systolic": 150}, "diastolic"),
        ({"systolic": 70, "diastolic": 90}, "systolic"),
        ({"conditions": ["not-a-condition"]}, "conditions"),
        ({"weight": ""}, "weight"),
    ],
)
def test_it_refuses_with_an_error_on_the_field(clinic, changes, field):
    response = Client().post(reverse("portal:prescreen"), answers(clinic, **changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Lead.objects.exists()
