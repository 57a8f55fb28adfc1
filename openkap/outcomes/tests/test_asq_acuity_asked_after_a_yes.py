"""The ASQ's acuity question (5) is marked to be shown only after a positive answer to a screen
question (1-4): the screen items' positive answers carry `data-screen-positive` and the acuity
fieldset `data-asked-after-screen`; the stylesheet hides it until then."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from openkap.clinical import instruments
from openkap.outcomes.forms import QuestionnaireForm

pytestmark = pytest.mark.django_db


def test_only_the_positive_answers_of_screen_items_are_marked():
    asq = instruments.instrument("asq")
    screen = asq.screen
    assert screen is not None
    html = str(QuestionnaireForm(asq))
    for item in screen.screen_items:
        marked = re.findall(rf'<input[^>]*name="item_{item}"[^>]*>', html)
        positive = [tag for tag in marked if "data-screen-positive" in tag]
        values = {int(re.findall(r'value="(\d+)"', tag)[0]) for tag in positive}
        assert values == set(screen.positive_values)
    acuity = re.findall(rf'<input[^>]*name="item_{screen.acuity_item}"[^>]*>', html)
    assert acuity and not any("data-screen-positive" in tag for tag in acuity)


def test_other_instruments_carry_no_screen_marks():
    html = str(QuestionnaireForm(instruments.instrument("phq9")))
    assert "data-screen-positive" not in html


def test_the_staff_form_marks_the_acuity_fieldset(client_for, patient, make_staff, clinic):
    nurse = make_staff("asq.nurse", clinic, "nurse")
    url = reverse("outcomes:record", kwargs={"public_id": patient.public_id})
    body = client_for(nurse).get(url, {"instrument": "asq"}).content.decode()
    fieldsets = re.findall(r"<fieldset[^>]*>", body)
    marked = [tag for tag in fieldsets if "data-asked-after-screen" in tag]
    assert len(marked) == 1
    assert 'id="fieldset-item_5"' in marked[0]


def test_the_stylesheet_hides_it_until_a_positive_answer():
    path = finders.find("openkap/openkap.css")
    assert isinstance(path, str)
    with open(path) as stylesheet:
        css = stylesheet.read()
    assert "input[data-screen-positive]:checked" in css
    assert "fieldset[data-asked-after-screen]" in css
