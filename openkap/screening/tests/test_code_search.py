"""The ICD-10-CM search box: a POST as you type, answering a list of codes to choose from."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.screening.models import Problem

pytestmark = pytest.mark.django_db

URL = "screening:code_search"


def test_it_finds_codes_by_their_beginning(client_for, prescriber):
    response = client_for(prescriber).post(reverse(URL), {"query": "F33"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'value="F33.1"' in body
    assert "Major depressive disorder, recurrent, moderate" in body


def test_it_finds_codes_by_words_of_their_description(client_for, nurse):
    response = client_for(nurse).post(reverse(URL), {"query": "abdominal aortic aneurysm"})
    assert 'value="I71.4"' in response.content.decode()


def test_it_says_so_when_nothing_matches(client_for, prescriber):
    response = client_for(prescriber).post(reverse(URL), {"query": "zzqx"})
    assert "No ICD-10-CM code matches" in response.content.decode()


def test_it_refuses_a_search_in_the_address(client_for, prescriber):
    assert client_for(prescriber).get(reverse(URL), {"query": "F33"}).status_code == 405


def test_it_refuses_the_front_desk(client_for, staff):
    assert client_for(staff["front_desk"]).post(reverse(URL), {"query": "F33"}).status_code == 403


def test_enter_in_the_search_box_searches_and_adds_nothing(client_for, prescriber, patient):
    url = reverse("screening:problem_add", kwargs={"public_id": patient.public_id})
    response = client_for(prescriber).post(url, {"query": "F33", "search": "1", "status": "active"})
    assert response.status_code == 200
    assert 'value="F33.1"' in response.content.decode()
    assert not Problem.objects.exists()
