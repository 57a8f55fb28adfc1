"""A clinic's local rules: published as versions by the administrator, never looser than the pack,
and in force for the clinic's screenings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from openkap.accounts.models import Role
from openkap.audit.models import Action, AuditEvent, Category
from openkap.clinical.eligibility import ScreeningInput, evaluate
from openkap.knowledge.models import ClinicRules
from openkap.knowledge.selectors import clinic_rule_pack

pytestmark = pytest.mark.django_db

URL = reverse("knowledge:rules")
STRICTER_BIPOLAR = '[[raise]]\nrule = "bipolar-disorder"\nlevel = "relative"\nreason = "Psychiatrist review first"\n'
LOOSER_ANEURYSM = (
    '[[raise]]\nrule = "aneurysmal-vascular-disease"\nlevel = "caution"\nreason = "x"\n'
)
BIPOLAR_ADULT = ScreeningInput(age_years=40, sex="male", weight_kg=80.0, conditions=("F31.81",))


def test_it_publishes_stricter_rules_that_then_decide_the_clinics_screenings(
    clinic, other_clinic, make_staff, client_for
):
    before = evaluate(BIPOLAR_ADULT, pack=clinic_rule_pack(clinic=clinic)).decision
    admin = make_staff("boss", clinic, Role.CLINIC_ADMIN)
    response = client_for(admin).post(URL, {"text": STRICTER_BIPOLAR, "reason": "Policy 12"})
    assert response.status_code == 302
    rules = ClinicRules.objects.get(clinic=clinic)
    assert (rules.version, rules.published_by) == (1, admin)
    pack = clinic_rule_pack(clinic=clinic)
    assert "+local." in pack.version
    assert before == "eligible"
    assert evaluate(BIPOLAR_ADULT, pack=pack).decision == "needs_review"
    # Another clinic keeps the bundled pack.
    assert (
        evaluate(BIPOLAR_ADULT, pack=clinic_rule_pack(clinic=other_clinic)).decision == "eligible"
    )
    event = AuditEvent.objects.get(action=Action.CREATE, category=Category.CLINIC_SETTINGS)
    assert event.detail["version"] == 1


def test_it_refuses_rules_that_loosen_the_pack_naming_the_field(clinic, make_staff, client_for):
    admin = make_staff("boss", clinic, Role.CLINIC_ADMIN)
    response = client_for(admin).post(URL, {"text": LOOSER_ANEURYSM, "reason": "Try"})
    assert response.status_code == 400
    assert "never looser" in " ".join(response.context["form"].errors["text"])
    assert not ClinicRules.objects.exists()


def test_it_refuses_text_that_is_not_toml(clinic, make_staff, client_for):
    admin = make_staff("boss", clinic, Role.CLINIC_ADMIN)
    response = client_for(admin).post(URL, {"text": "[[raise", "reason": "Typo"})
    assert response.status_code == 400
    assert "not valid TOML" in " ".join(response.context["form"].errors["text"])


def test_each_publication_is_a_new_version_and_the_newest_is_in_force(
    clinic, make_staff, client_for
):
    client = client_for(make_staff("boss", clinic, Role.CLINIC_ADMIN))
    client.post(URL, {"text": STRICTER_BIPOLAR, "reason": "Policy 12"})
    client.post(URL, {"text": "", "reason": "Back to the bundled pack"})
    assert list(ClinicRules.objects.order_by("version").values_list("version", flat=True)) == [1, 2]
    assert evaluate(BIPOLAR_ADULT, pack=clinic_rule_pack(clinic=clinic)).decision == "eligible"


def test_a_prescriber_reads_the_rules_but_cannot_publish(clinic, make_staff, client_for):
    client = client_for(make_staff("doc", clinic, Role.PRESCRIBER))
    page = client.get(URL)
    assert page.status_code == 200
    assert b"aneurysmal-vascular-disease" in page.content
    assert client.post(URL, {"text": STRICTER_BIPOLAR, "reason": "Mine"}).status_code == 403
    assert not ClinicRules.objects.exists()
