"""Values for the portal's and consent's URL parameters in the authorisation matrix
(openkap/web/tests/test_authorization_matrix.py): a real lead and a published consent document."""

from __future__ import annotations

from openkap.accounts.models import Clinic
from openkap.consent.models import ConsentDocument, body_sha256
from openkap.portal.models import Lead


def portal_matrix_values(clinic: Clinic) -> dict[str, object]:
    body = "## About\n\nA consent text for the matrix."
    ConsentDocument.objects.get_or_create(
        clinic=clinic,
        kind="ketamine_treatment",
        version=1,
        defaults={
            "title": "Matrix consent",
            "body": body,
            "body_sha256": body_sha256(body),
            "basis": "test",
        },
    )
    lead = Lead.objects.filter(clinic=clinic).first() or Lead.objects.create(
        clinic=clinic,
        name="Lead Person",
        phone="555 010 7777",
        consent_to_contact=True,
        decision="needs_review",
        rule_pack="test",
    )
    return {
        "topic": "ways-to-take-ketamine",
        "token": "no-such-invitation-token",
        "kind": "ketamine_treatment",
        "lead_id": lead.public_id,
    }
