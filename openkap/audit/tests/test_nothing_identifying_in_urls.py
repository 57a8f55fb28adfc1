"""Names, birth dates and MRNs never travel in URLs, where logs, history and referrers would keep them.

Patient searches and audit filters are read from POST bodies only; a query string is ignored.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.patients.models import Patient

pytestmark = pytest.mark.django_db

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


@pytest.fixture
def two_patients(clinic, make_patient) -> tuple[Patient, Patient]:
    return (
        make_patient(clinic, legal_family_name="Quillfeather", legal_given_name="Ottoline"),
        make_patient(clinic, legal_family_name="Brightwater", legal_given_name="Peregrine"),
    )


def _all_patterns(resolver: URLResolver):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from _all_patterns(entry)
        elif isinstance(entry, URLPattern):
            yield entry


def test_it_rejects_url_parameters_other_than_opaque_or_numeric_ids():
    for pattern in _all_patterns(get_resolver()):
        for name, converter in pattern.pattern.converters.items():
            # A converter may declare that it carries no personal data: a fixed vocabulary (a
            # consent kind, an education topic) or a random token.
            assert isinstance(converter, UUIDConverter | IntConverter) or getattr(
                converter, "carries_no_personal_data", False
            ), f"{pattern.name}: parameter {name!r} could carry a name or an MRN"
            if name == "public_id":
                assert isinstance(converter, UUIDConverter), pattern.name


def test_it_ignores_a_patient_search_in_the_query_string(
    client_for, clinic, make_staff, two_patients
):
    wanted, other = two_patients
    client = client_for(make_staff("nina", clinic, Role.NURSE))
    url = reverse("patients:list")

    by_get = client.get(f"{url}?{urlencode({'query': wanted.legal_family_name})}")
    by_post = client.post(url, {"query": wanted.legal_family_name})

    assert by_get.status_code == by_post.status_code == 200
    # The POSTed search filters; the same words in the URL do not.
    assert wanted.legal_given_name in by_post.content.decode()
    assert other.legal_given_name not in by_post.content.decode()
    assert other.legal_given_name in by_get.content.decode()
    assert wanted.legal_given_name in by_get.content.decode()
    searched = AuditEvent.objects.filter(category=Category.PATIENT_LIST).order_by("sequence")
    assert [row.detail.get("searched") for row in searched] == [False, True]


def test_it_ignores_audit_filters_in_the_query_string(client_for, clinic, make_staff, two_patients):
    wanted, other = two_patients
    nurse = make_staff("nina", clinic, Role.NURSE)
    admin = make_staff("ada", clinic, Role.CLINIC_ADMIN)
    for patient in two_patients:
        # The rows are written by opening the charts, as in real use.
        client_for(nurse).get(reverse("patients:chart", kwargs={"public_id": patient.public_id}))
    client = client_for(admin)
    url = reverse("audit:report")
    filters = {"patient_mrn": wanted.mrn, "action": Action.READ, "user": nurse.pk}

    by_get = client.get(f"{url}?{urlencode(filters)}")
    by_post = client.post(url, filters)

    assert by_get.status_code == by_post.status_code == 200
    assert {e.patient_id for e in by_post.context["events"]} == {wanted.pk}
    assert {wanted.pk, other.pk} <= {e.patient_id for e in by_get.context["events"]}
    # Nothing of the query string is taken as a filter, so a bad one is not even an error.
    bogus = client.get(f"{url}?{urlencode({'patient_mrn': 'NO-999999'})}")
    assert bogus.status_code == 200
    assert not bogus.context["form"].errors


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("patients:list", ["query"]),
        ("audit:report", ["date_from", "date_to", "user", "patient_mrn", "action", "sort"]),
    ],
)
def test_it_sends_searches_and_filters_as_posts(client_for, clinic, make_staff, name, fields):
    user = make_staff("both", clinic, Role.NURSE, Role.CLINIC_ADMIN)
    page = client_for(user).get(reverse(name)).content.decode()
    for field in fields:
        # The form that holds the field: the last <form> opened before it, not closed in between.
        enclosing = re.search(
            rf'(<form\b[^>]*>)(?:(?!</form>).)*name="{field}"', page, flags=re.DOTALL
        )
        assert enclosing is not None, f"{field} is not inside a form"
        assert 'method="post"' in enclosing.group(1), enclosing.group(1)


def test_it_links_patients_by_opaque_id_only(client_for, clinic, make_staff, two_patients):
    client = client_for(make_staff("nina", clinic, Role.NURSE))
    page = client.get(reverse("patients:list")).content.decode()
    links = re.findall(r'href="([^"]+)"', page)
    menu = {reverse("patients:list"), reverse("patients:register"), reverse("patients:emergency")}
    chart_links = [link for link in links if link.startswith("/patients/") and link not in menu]
    assert len(chart_links) == len(two_patients)
    for link in chart_links:
        assert re.fullmatch(rf"/patients/{UUID}/", link), link
    for patient in two_patients:
        for value in (patient.mrn, patient.legal_family_name, patient.legal_given_name):
            assert all(value not in link for link in links)


def test_it_redirects_to_a_new_patient_by_opaque_id(client_for, clinic, make_staff):
    client = client_for(make_staff("nina", clinic, Role.FRONT_DESK))
    response = client.post(
        reverse("patients:register"),
        {
            "legal_given_name": "Ottoline",
            "legal_family_name": "Newcomer",
            "date_of_birth": "1990-02-03",
            "sex": "female",
            "country": "US",
        },
    )
    assert response.status_code == 302
    patient = Patient.objects.get(legal_family_name="Newcomer")
    location = urlsplit(response["Location"])
    assert location.path == reverse("patients:chart", kwargs={"public_id": patient.public_id})
    assert not location.query
    for value in (patient.mrn, "Newcomer", "Ottoline", "1990"):
        assert value not in response["Location"]
