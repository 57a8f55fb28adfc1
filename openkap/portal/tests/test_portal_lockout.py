"""django-axes counts failed portal passwords like staff ones: the tenth locks the username out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_it_locks_out_a_portal_username_after_ten_wrong_passwords(portal_user):
    client = Client()
    for _ in range(10):
        client.post(
            reverse("portal:login"), {"username": portal_user.username, "password": "wrong-one"}
        )
    response = client.post(
        reverse("portal:login"), {"username": portal_user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
