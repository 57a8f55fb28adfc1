"""Who gets what from every URL of the project: one expected answer per URL, kind of user and method.

Every URL pattern must have a row in MATRIX, and every row must name a URL pattern that exists, so a
new page cannot ship without someone deciding who may open it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from conftest import PASSWORD, sign_in
from openkap.accounts.models import Clinic, Membership, Role, User
from openkap.accounts.sessions import session_start
from openkap.athome.tests.matrix_values import athome_matrix_values
from openkap.billing.tests.matrix_values import billing_matrix_values, billing_post_data
from openkap.integration.tests.matrix_values import (
    integration_matrix_values,
    integration_post_data,
)
from openkap.outcomes.tests.matrix_values import outcomes_matrix_values, outcomes_post_data
from openkap.patients.models import Patient, SupportPerson
from openkap.pharmacology.tests.matrix_values import pharmacology_post_data
from openkap.plans.tests.matrix_values import plans_matrix_values, plans_post_data
from openkap.portal.tests.matrix_values import portal_matrix_values
from openkap.quality.tests.matrix_values import quality_matrix_values, quality_post_data
from openkap.safety.tests.matrix_values import safety_matrix_values, safety_post_data
from openkap.screening.tests.matrix_values import screening_matrix_values, screening_post_data

pytestmark = pytest.mark.django_db

# Columns of the matrix, in this order.
KINDS = (
    "anonymous",
    "prescriber",
    "nurse",
    "therapist",
    "front_desk",
    "billing",
    "clinic_admin",
    "patient_user",  # a signed-in user of kind "patient" (portal account), both factors given
    "other_clinic",  # staff holding every role, but only in the other clinic
    "unverified",  # staff holding every role in the clinic, password given but no second factor
)

LOGIN = "302 accounts:login"  # sent to the sign-in page
HOME = "302 web:home"
CHART = "302 patients:chart"  # the change was made; back to the chart
STAFF = "302 staff:list"  # the change was made; back to the staff list
PLOGIN = "302 portal:login"  # sent to the patient portal's sign-in
LEAD = "302 portal:lead"  # the lead's status was changed; back to the lead
DOCS = "302 consent:documents"  # a consent version was published
CONSENTS = "302 consent:patient"  # back to the patient's consents
TABLET = "302 consent:tablet"  # the clinic tablet is ready for the patient
SETTINGS = "302 staff:clinic_settings"  # saved; back to the settings page
RULES = "302 knowledge:rules"  # local rules published; back to the rules page
SAFETY = "302 safety:patient"  # recorded; back to the patient's safety page
CADENCE = "302 safety:cadence"  # saved; back to the monitoring cadence
OUTCOMES = "302 outcomes:chart"  # saved; back to the patient's outcomes
INTAKE = "302 screening:intake"  # saved (or nothing to change); back to the intake page
PNOTE = "302 integration:psychotherapy_note"  # written; on to the note
PKSET = "302 pharmacology:settings"  # the threshold saved; back to the settings page
QLIC = "302 quality:licences"  # a licence recorded; back to the staff licences
QDRILL = "302 quality:drills"  # a drill logged; back to the drills
QAUDIT = "302 quality:audit"  # the REMS certification saved; back to the self-audit
PRICES = "302 billing:prices"  # saved; back to the price list
PAYER = "302 billing:payer"  # saved; on to the payer
ESTIMATE = "302 billing:estimate"  # the payer chosen; back to the estimate
ACCOUNT = "302 billing:account"  # recorded; back to the patient's billing page

# fmt: off
MATRIX: dict[str, dict[str, tuple[int | str, ...]]] = {
    #                              anon   presc  nurse  thera  front  bill   admin  ptuser other  unver
    "web:home": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    "accounts:login": {
        "GET":                    (200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
        "POST":                   (400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    },
    # Without a pending password step the code pages send everyone back to the password.
    "accounts:mfa_verify": {
        "GET":                    (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
        "POST":                   (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    },
    "accounts:mfa_setup": {
        "GET":                    (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
        "POST":                   (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    },
    "accounts:logout": {
        "GET":                    (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
        "POST":                   (LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN),
    },
    # A password without the second factor is not a session.
    "accounts:session_status": {
        "GET":                    (401,   200,   200,   200,   200,   200,   200,   200,   200,   401),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    "accounts:session_heartbeat": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   200,   200,   200,   200,   403,   200,   LOGIN),
    },
    # The idle overlay's sign-in: open to all, it checks both factors itself (empty form: 400).
    "accounts:reauth": {
        "GET":                    (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
        "POST":                   (400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    },
    "accounts:clinic_switch": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, HOME,  HOME,  HOME,  HOME,  HOME,  HOME,  403,   HOME,  LOGIN),
    },
    # The other clinic's staff see their own clinic's list, which does not hold this clinic's patient.
    "patients:list": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   200,   200,   200,   403,   403,   200,   LOGIN),
    },
    # The other clinic's staff register in their own clinic, which they may.
    "patients:register": {
        "GET":                    (LOGIN, 200,   200,   403,   200,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, CHART, CHART, 403,   CHART, 403,   403,   403,   CHART, LOGIN),
    },
    # Another clinic's patient does not exist for you (404); your own clinic's is refused (403).
    "patients:chart": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    "patients:edit": {
        "GET":                    (LOGIN, 200,   200,   403,   200,   200,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, CHART, CHART, 403,   CHART, CHART, 403,   403,   404,   LOGIN),
    },
    "patients:support_add": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, CHART, CHART, 403,   CHART, CHART, 403,   403,   404,   LOGIN),
    },
    "patients:support_remove": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, CHART, CHART, 403,   CHART, CHART, 403,   403,   404,   LOGIN),
    },
    # The other clinic's administrator sees the report of their own clinic.
    "audit:report": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
    },
    "staff:list": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
    },
    # Break-glass is for prescribers and nurses; an empty form is refused (400), nothing granted.
    "patients:emergency": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 400,   400,   403,   403,   403,   403,   403,   400,   LOGIN),
    },
    # Every staff member reads the rules in force; only the administrator publishes local rules.
    "knowledge:rules": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   RULES, 403,   RULES, LOGIN),
    },
    # The other-clinic user holds every role there, so they see their own clinic's settings.
    "staff:clinic_settings": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   SETTINGS, 403,   400,   LOGIN),
    },
    "staff:add": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   STAFF, 403,   STAFF, LOGIN),
    },
    # A staff member of this clinic is not a member of the other clinic: 404 there.
    "staff:roles": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   STAFF, 403,   404,   LOGIN),
    },
    "staff:deactivate": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   STAFF, 403,   404,   LOGIN),
    },
    # --- Patient portal (public pages, patients' own pages, and the staff pages it adds) ---
    "portal:login": {
        "GET":                    (200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
        "POST":                   (400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    },
    "portal:logout": {
        "GET":                    (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
        "POST":                   (PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN, PLOGIN),
    },
    # Staff accounts are refused by the portal as patient accounts are by the staff pages; the matrix's
    # patient user has no portal account linked to a patient, so it is refused too.
    "portal:home": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    # The patient's own appointments and calendar link (POST makes a link): the same rule as home.
    "portal:appointments": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    "portal:session_status": {
        "GET":                    (401,   401,   401,   401,   401,   401,   401,   200,   401,   401),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    "portal:heartbeat": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    # The inactivity dialog's sign-in checks the password itself (empty form: 400).
    "portal:reauth": {
        "GET":                    (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
        "POST":                   (400,   400,   400,   400,   400,   400,   400,   400,   400,   400),
    },
    # An unknown invitation token, and the password page without a valid invitation: 404 for all.
    "portal:welcome": {
        "GET":                    (404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    "portal:accept": {
        "GET":                    (404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
        "POST":                   (404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
    },
    "portal:learn": {
        "GET":                    (200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    "portal:learn_topic": {
        "GET":                    (200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    # The public pre-screen: anyone may send it; it becomes a lead of the chosen clinic.
    "portal:prescreen": {
        "GET":                    (200,   200,   200,   200,   200,   200,   200,   200,   200,   200),
        "POST":                   ("302 portal:prescreen_result",) * 10,
    },
    "portal:prescreen_result": {
        "GET":                    ("302 portal:prescreen",) * 10,
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    # Front desk and others with PATIENT_EDIT make a portal invitation from the chart.
    "portal:invite": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   403,   200,   200,   403,   403,   404,   LOGIN),
    },
    # The other clinic's staff see their own clinic's leads, which do not hold this clinic's lead.
    "portal:leads": {
        "GET":                    (LOGIN, 200,   200,   403,   200,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   405,   403,   403,   403,   405,   LOGIN),
    },
    "portal:lead": {
        "GET":                    (LOGIN, 200,   200,   403,   200,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, LEAD,  LEAD,  403,   LEAD,  403,   403,   403,   404,   LOGIN),
    },
    # The patient's own questionnaires (no assignment for the matrix's ids): the same rule as home.
    **{
        name: {
            "GET":                (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
            "POST":               (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        }
        for name in ("portal:questionnaires", "portal:questionnaire", "portal:questionnaire_done")
    },
    # --- Informed consent ---
    "consent:documents": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
    },
    "consent:publish": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   DOCS,  403,   DOCS,  LOGIN),
    },
    "consent:mine": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    "consent:sign": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    "consent:withdraw": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    "consent:patient": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    # Nothing is signed yet, so a withdrawal is refused with a message, back on the consent page.
    "consent:staff_withdraw": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, CONSENTS, CONSENTS, 403, CONSENTS, CONSENTS, 403, 403, 404,  LOGIN),
    },
    "consent:tablet_start": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, TABLET, TABLET, 403,  TABLET, TABLET, 403,  403,   404,   LOGIN),
    },
    # Without a tablet signing started in this session, back to the home page.
    "consent:tablet": {
        "GET":                    (LOGIN, HOME,  HOME,  HOME,  HOME,  HOME,  HOME,  403,   HOME,  LOGIN),
        "POST":                   (LOGIN, HOME,  HOME,  HOME,  HOME,  HOME,  HOME,  403,   HOME,  LOGIN),
    },
    "consent:tablet_done": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, HOME,  HOME,  HOME,  HOME,  HOME,  HOME,  403,   HOME,  LOGIN),
    },
    # --- Intake and screening: prescriber and nurse enter intake, the therapist reads, the prescriber
    # alone signs; front desk, billing and the administrator see none of it.
    # The other clinic's staff see their own clinic's queue (empty here).
    "screening:queue": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
    },
    "screening:code_search": {
        "GET":                    (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
    },
    "screening:intake": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, INTAKE, INTAKE, 403,  403,   403,   403,   403,   404,   LOGIN),
        }
        for name in (
            "screening:problem_add",
            "screening:problem_change",
            "screening:medication_add",
            "screening:medication_remove",
            "screening:allergy_add",
            "screening:allergy_remove",
            "screening:measurement_add",
            "screening:substance_set",
            "screening:pregnancy_set",
        )
    },
    "screening:questionnaire": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, INTAKE, INTAKE, 403,  403,   403,   403,   403,   404,   LOGIN),
    },
    "screening:decision": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    # The matrix's patient has no intake: evaluating is refused naming the missing weight (400).
    "screening:evaluate": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # Only a prescriber signs; the matrix's patient has no draft to sign (409).
    "screening:sign": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 409,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # An empty addendum form is refused naming its fields (400).
    "screening:addendum_add": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # --- Plans and schedule: the prescriber writes and signs plans; nurse and therapist read them;
    # prescriber, nurse, therapist and front desk see and move appointments; billing and the
    # administrator see none of it. The matrix's patient has no screening, plan or appointment:
    # creating is refused naming the screening, the other actions have nothing to act on (400).
    "plans:schedule": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   403,   403,   403,   405,   LOGIN),
    },
    # Each clinician's own feed (POST makes a new link).
    "plans:feeds": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   200,   200,   403,   403,   403,   200,   LOGIN),
    },
    # No session: the token is the credential, and the matrix's token opens nothing.
    "plans:ical": {
        "GET":                    (404,   404,   404,   404,   404,   404,   404,   404,   404,   404),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    "plans:patient": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    "plans:create": {
        "GET":                    (LOGIN, 200,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
        }
        for name in ("plans:activate", "plans:stop")
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, 400,   400,   400,   400,   403,   403,   403,   404,   LOGIN),
        }
        for name in ("plans:move", "plans:cancel", "plans:assign", "plans:outcome")
    },
    # POST makes the patient's feed link (shown once on the page).
    "plans:patient_feed": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 200,   200,   200,   200,   403,   403,   403,   404,   LOGIN),
    },
    # --- Controlled-substance ledger: nurses and prescribers record and witness; the administrator
    # sees the reports and manages products and the registration. An empty form is refused (400).
    "inventory:ledger": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
            "POST":               (LOGIN, 400,   400,   403,   403,   403,   403,   403,   400,   LOGIN),
        }
        for name in (
            "inventory:receipt",
            "inventory:administration",
            "inventory:waste",
            "inventory:transfer",
            "inventory:loss",
            "inventory:count",
            "inventory:correction",
        )
    },
    **{
        name: {
            "GET":                (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
            "POST":               (LOGIN, 403,   403,   403,   403,   403,   400,   403,   400,   LOGIN),
        }
        for name in ("inventory:products", "inventory:registration")
    },
    **{
        name: {
            "GET":                (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
            "POST":               (LOGIN, 403,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
        }
        for name in (
            "inventory:inventory_report",
            "inventory:inspection_report",
            "inventory:reconciliation",
        )
    },
    # --- Reports (outcomes and safety, their downloads and the raw exports): prescribers and the
    # clinic administrator, for the clinic they work in.
    **{
        name: {
            "GET":                (LOGIN, 200,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
            "POST":               (LOGIN, 405,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
        }
        for name in ("reports:index", "reports:csv", "reports:pdf", "reports:export")
    },
    # --- Esketamine REMS forms: prescribers and nurses (who monitor the session) see, fill, sign
    # off (a POST of the form page) and record; no other role. The matrix has no REMS form (404)
    # and no appointment (400).
    "rems:dashboard": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
    },
    "rems:start": {
        "GET":                    (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   400,   403,   403,   403,   403,   403,   400,   LOGIN),
    },
    "rems:form": {
        "GET":                    (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    "rems:submission": {
        "GET":                    (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    "rems:print": {
        "GET":                    (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
    },
    # --- Integration sessions: the care team reads the chart note, the therapist and prescriber
    # write it (no integration session for the matrix's patient: 400; no note: 404). Psychotherapy
    # notes open by authorship or share, never by role: a note that is not yours is 404 to all.
    "integration:patient": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    "integration:note_new": {
        "GET":                    (LOGIN, 400,   403,   400,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   400,   403,   403,   403,   403,   404,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 404,   404,   404,   404,   404,   404,   403,   404,   LOGIN),
            "POST":               (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        }
        for name in ("integration:note",)
    },
    **{
        name: {
            "GET":                (LOGIN, 404,   404,   404,   404,   404,   404,   403,   404,   LOGIN),
            "POST":               (LOGIN, 404,   404,   404,   404,   404,   404,   403,   404,   LOGIN),
        }
        for name in ("integration:note_edit", "integration:psychotherapy_note")
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, 404,   404,   404,   404,   404,   404,   403,   404,   LOGIN),
        }
        for name in (
            "integration:note_sign",
            "integration:note_addendum",
            "integration:psychotherapy_share",
            "integration:psychotherapy_unshare",
        )
    },
    "integration:psychotherapy_list": {
        "GET":                    (LOGIN, 200,   200,   200,   200,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    "integration:psychotherapy_new": {
        "GET":                    (LOGIN, 200,   403,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, PNOTE, 403,   PNOTE, 403,   403,   403,   403,   404,   LOGIN),
    },
    # --- Dosing sessions: nurses and prescribers record the BEFORE gate; a prescriber alone
    # overrides a soft stop. The matrix's patient has no dosing appointment: nothing to act on (400).
    "dosing:today": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
    },
    "dosing:gate": {
        "GET":                    (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    "dosing:override": {
        "GET":                    (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # The session chart: nurses and prescribers chart it, the therapist reads it, a prescriber
    # alone confirms the dose. No dosing session for the matrix's patient: nothing to act on (400).
    **{
        name: {
            "GET":                (LOGIN, 400,   400,   400,   403,   403,   403,   403,   404,   LOGIN),
            "POST":               (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
        }
        for name in ("dosing:session", "dosing:live", "dosing:aftercare")
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
        }
        for name in ("dosing:dose", "dosing:dose_preview")
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
            "POST":               (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
        }
        for name in (
            "dosing:start",
            "dosing:entry",
            "dosing:discharge",
            "dosing:sign",
            "dosing:addendum",
        )
    },
    # --- Outcomes: scores over time, questionnaires entered by clinicians, suicide-risk alerts.
    # The other clinic's staff see their own clinic's alerts; no alert has the matrix's id (404).
    "outcomes:alerts": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
    },
    "outcomes:acknowledge": {
        "GET":                    (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 404,   404,   404,   403,   403,   403,   403,   404,   LOGIN),
    },
    "outcomes:chart": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
    },
    "outcomes:record": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, OUTCOMES, OUTCOMES, OUTCOMES, 403, 403, 403, 403, 404, LOGIN),
    },
    # No active plan for the matrix's patient: nothing assigned, back to the outcomes chart.
    "outcomes:schedule": {
        "GET":                    (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, OUTCOMES, OUTCOMES, OUTCOMES, 403, 403, 403, 403, 404, LOGIN),
    },
    # The prescriber alone decides maintenance; an empty form names its fields (400).
    "outcomes:decision": {
        "GET":                    (LOGIN, 405,   403,   403,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # --- Safety: the care team reads adverse events and long-term checks; prescribers and nurses
    # record and grade them. The matrix's patient has no event (404). The clinic's lists are of the
    # clinic one works in; the cadence is the clinic administrator's (RULES_MANAGE).
    "safety:patient": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   405,   405,   405,   403,   405,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 200,   200,   403,   403,   403,   403,   403,   404,   LOGIN),
            "POST":               (LOGIN, SAFETY, SAFETY, 403,  403,   403,   403,   403,   404,   LOGIN),
        }
        for name in ("safety:record", "safety:result")
    },
    "safety:event": {
        "GET":                    (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 200,   200,   200,   403,   403,   403,   403,   200,   LOGIN),
            "POST":               (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
        }
        for name in ("safety:events", "safety:due")
    },
    "safety:cadence": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   CADENCE, 403,   CADENCE, LOGIN),
    },
    # --- Pharmacology: the clinic's threshold for the predicted concentration (its administrator);
    # the IV infusion planner: a prescriber plans, a nurse reads the page. Opened for a patient, the
    # matrix's patient has no dosing session (400); another clinic's staff do not find the patient.
    "pharmacology:settings": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   PKSET, 403,   PKSET, LOGIN),
    },
    "pharmacology:planner": {
        "GET":                    (LOGIN, 200,   200,   403,   403,   403,   403,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 200,   403,   403,   403,   403,   403,   403,   200,   LOGIN),
    },
    "pharmacology:planner_session": {
        "GET":                    (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 400,   403,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    # --- Costs: the price list and payers (clinic data) are read by front desk, billing and the
    # administrator and managed by billing and the administrator; a patient's estimate is front
    # desk's and billing's. The matrix's patient has no plan: saving its estimate is refused (400).
    # Another clinic's staff post into their own clinic (its list has no such item: 400).
    "billing:prices": {
        "GET":                    (LOGIN, 403,   403,   403,   200,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   PRICES, PRICES, 403,  400,   LOGIN),
    },
    "billing:item_add": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   PRICES, PRICES, 403,  PRICES, LOGIN),
    },
    "billing:payers": {
        "GET":                    (LOGIN, 403,   403,   403,   200,   200,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   PAYER, PAYER, 403,   PAYER, LOGIN),
    },
    "billing:payer": {
        "GET":                    (LOGIN, 403,   403,   403,   200,   200,   200,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   PAYER, PAYER, 403,   404,   LOGIN),
    },
    "billing:estimate": {
        "GET":                    (LOGIN, 403,   403,   403,   200,   200,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   400,   400,   403,   403,   404,   LOGIN),
    },
    "billing:payer_choose": {
        "GET":                    (LOGIN, 403,   403,   403,   405,   405,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   ESTIMATE, ESTIMATE, 403, 403, 404,   LOGIN),
    },
    # A patient's charges, payments and notes (front desk and billing; the matrix's POST adds a
    # financing note). The matrix's patient has no charges: a superbill or receipt is refused (400).
    "billing:account": {
        "GET":                    (LOGIN, 403,   403,   403,   200,   200,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   ACCOUNT, ACCOUNT, 403, 403,   404,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 403,   403,   403,   400,   400,   403,   403,   404,   LOGIN),
            "POST":               (LOGIN, 403,   403,   403,   405,   405,   403,   403,   405,   LOGIN),
        }
        for name in ("billing:superbill", "billing:receipt")
    },
    # The patient's own "My costs" (read only): the same rule as the portal's home.
    "billing:mine": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (405,   405,   405,   405,   405,   405,   405,   405,   405,   405),
    },
    # --- At-home programme. The patient's own pages: the same rule as the portal's home.
    **{
        name: {
            "GET":                (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
            "POST":               (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        }
        for name in (
            "athome:me",
            "athome:count",
            "athome:checkin",
            "athome:checkin_result",
            "athome:dose",
            "athome:report",
        )
    },
    # The care team reads (DOSING_VIEW / SAFETY_VIEW); prescribers and nurses dispense (CS_RECORD),
    # set video links (DOSING_CHART) and acknowledge alerts (SAFETY_RECORD). The matrix's patient
    # has no at-home plan (dispensing refused, 400); the record ids name nothing (404).
    **{
        name: {
            "GET":                (LOGIN, 200,   200,   200,   403,   403,   403,   403,   200,   LOGIN),
            "POST":               (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
        }
        for name in ("athome:programme", "athome:alerts")
    },
    "athome:patient": {
        "GET":                    (LOGIN, 200,   200,   200,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 405,   405,   405,   403,   403,   403,   403,   405,   LOGIN),
    },
    "athome:dispense": {
        "GET":                    (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 400,   400,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    "athome:return": {
        "GET":                    (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
        "POST":                   (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 405,   405,   403,   403,   403,   403,   403,   405,   LOGIN),
            "POST":               (LOGIN, 404,   404,   403,   403,   403,   403,   403,   404,   LOGIN),
        }
        for name in ("athome:link", "athome:acknowledge")
    },
    # The patient's own "Report a side effect": the same rule as the portal's home.
    "safety:mine": {
        "GET":                    (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
        "POST":                   (PLOGIN, 403,  403,   403,   403,   403,   403,   403,   403,   403),
    },
    # --- Quality self-audit: prescribers and the administrator read it; the administrator records
    # licences, drills and the REMS certification. The matrix's record ids do not exist (404 for
    # those allowed); the other clinic's administrator cannot name this clinic's colleague (400).
    **{
        name: {
            "GET":                (LOGIN, 200,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
            "POST":               (LOGIN, 405,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
        }
        for name in ("quality:audit", "quality:audit_csv", "quality:licences", "quality:drills")
    },
    "quality:licence_add": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   QLIC,  403,   400,   LOGIN),
    },
    **{
        name: {
            "GET":                (LOGIN, 403,   403,   403,   403,   403,   404,   403,   404,   LOGIN),
            "POST":               (LOGIN, 403,   403,   403,   403,   403,   404,   403,   404,   LOGIN),
        }
        for name in ("quality:licence_edit", "quality:drill_edit")
    },
    "quality:licence_retire": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   405,   403,   405,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   404,   403,   404,   LOGIN),
    },
    "quality:drill_add": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   QDRILL, 403,  QDRILL, LOGIN),
    },
    "quality:rems": {
        "GET":                    (LOGIN, 403,   403,   403,   403,   403,   200,   403,   200,   LOGIN),
        "POST":                   (LOGIN, 403,   403,   403,   403,   403,   QAUDIT, 403,  QAUDIT, LOGIN),
    },
}
# fmt: on

# Answers that refuse the request: nothing may have changed after them.
REFUSALS = {LOGIN, 401, 403, 404, 405}
# Kinds that have no business seeing anything of the clinic's patients or staff.
OUTSIDERS = {"anonymous", "patient_user", "other_clinic", "unverified"}


def _walk(resolver: URLResolver, namespaces: tuple[str, ...] = ()):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from _walk(entry, inner)
        elif isinstance(entry, URLPattern):
            # An unnamed pattern shows up by its route, so it fails the completeness check too.
            yield ":".join((*namespaces, entry.name or f"<unnamed {entry.pattern}>")), entry


def project_url_patterns() -> dict[str, URLPattern]:
    patterns: dict[str, URLPattern] = {}
    for name, pattern in _walk(get_resolver()):
        patterns.setdefault(name, pattern)
    return patterns


def test_every_url_pattern_has_a_row_in_the_matrix():
    missing = sorted(set(project_url_patterns()) - set(MATRIX))
    assert not missing, f"URL patterns with no row in the authorization matrix: {missing}"


def test_every_row_of_the_matrix_is_a_url_pattern():
    stale = sorted(set(MATRIX) - set(project_url_patterns()))
    assert not stale, f"Matrix rows for URL patterns that no longer exist: {stale}"


def test_every_row_of_the_matrix_has_an_answer_for_each_kind_and_method():
    for name, row in MATRIX.items():
        assert set(row) == {"GET", "POST"}, name
        for method, answers in row.items():
            assert len(answers) == len(KINDS), f"{name} {method}: {len(answers)} answers"


@dataclass
class World:
    clinic: Clinic
    other_clinic: Clinic
    patient: Patient
    support: SupportPerson
    colleague: User  # a staff member of the clinic, the target of the staff pages

    def kwargs_for(self, pattern: URLPattern) -> dict[str, object]:
        values = {
            "public_id": self.patient.public_id,
            "person_id": self.support.pk,
            "user_id": self.colleague.pk,
            "form_id": uuid.UUID("00000000-0000-4000-8000-000000000000"),  # no such REMS form
            **portal_matrix_values(self.clinic),
            **screening_matrix_values(),
            **plans_matrix_values(),
            **safety_matrix_values(),
            **integration_matrix_values(),
            **outcomes_matrix_values(),
            **quality_matrix_values(),
            **billing_matrix_values(self.clinic),
            **athome_matrix_values(),
        }
        unknown = set(pattern.pattern.converters) - set(values)
        assert not unknown, f"{pattern.name}: no fixture value for URL parameters {sorted(unknown)}"
        return {name: values[name] for name in pattern.pattern.converters}


@pytest.fixture
def world(clinic, other_clinic, make_patient, make_staff) -> World:
    patient = make_patient(clinic, legal_given_name="Zephyrine", phone="555 010 1111")
    support = SupportPerson.objects.create(
        patient=patient, name="Ignatius Helper", relationship="Brother", phone="555 010 2222"
    )
    colleague = make_staff("colleague-marker", clinic, Role.NURSE)
    return World(clinic, other_clinic, patient, support, colleague)


def _signed_in_without_second_factor(user: User) -> Client:
    # The password was accepted (a session exists) but no device was verified in it.
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session_start(session, idle_minutes=15)
    session.save()
    return client


def client_of(kind: str, world: World, make_staff) -> Client:
    if kind == "anonymous":
        return Client()
    if kind in Role.values:
        return sign_in(Client(), make_staff(f"{kind}-actor", world.clinic, kind))
    if kind == "patient_user":
        user = User.objects.create_user(
            username="portal-patient", password=PASSWORD, kind=User.Kind.PATIENT
        )
        TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
        return sign_in(Client(), user)
    if kind == "other_clinic":
        return sign_in(Client(), make_staff("elsewhere", world.other_clinic, *Role.values))
    if kind == "unverified":
        return _signed_in_without_second_factor(make_staff("halfway", world.clinic, *Role.values))
    raise AssertionError(f"unknown kind {kind}")


def post_data(name: str, world: World) -> dict[str, object]:
    """A body that succeeds for someone allowed, so an allowed answer is a real success.

    The sign-in forms get wrong credentials instead: their answer (400) is the same for everyone.
    """
    patient = world.patient
    if name in {"accounts:login", "portal:login"}:
        return {"username": "nobody-here", "password": "not-the-password"}
    if name in {"accounts:mfa_verify", "accounts:mfa_setup"}:
        return {"token": "123456"}
    if name == "accounts:clinic_switch":
        return {"clinic": world.clinic.pk}
    if name == "patients:list":
        return {"query": patient.legal_family_name}
    if name == "patients:register":
        return {
            "legal_given_name": "Ada",
            "legal_family_name": "Newcomer",
            "date_of_birth": "1990-02-03",
            "sex": "female",
            "country": "US",
        }
    if name == "patients:edit":
        return {
            "legal_given_name": patient.legal_given_name,
            "legal_family_name": patient.legal_family_name,
            "date_of_birth": patient.date_of_birth.isoformat(),
            "sex": patient.sex,
            "country": patient.country,
            "phone": "555 010 9999",
            "version": patient.version,
        }
    if name == "patients:support_add":
        return {"name": "Sam Driver", "relationship": "Friend", "phone": "555 010 3333"}
    if name == "audit:report":
        return {"action": "read"}
    if name == "staff:add":
        return {
            "username": "new.person",
            "first_name": "New",
            "last_name": "Person",
            "roles": [Role.NURSE],
            "password": "a-long-enough-first-password",
        }
    if name == "staff:roles":
        return {"roles": [Role.NURSE, Role.THERAPIST]}
    if name == "knowledge:rules":
        return {"text": "", "reason": "Start from the bundled pack"}
    if name == "staff:clinic_settings":
        # For the other clinic's admin (their own clinic) this is refused: "North" is taken (400).
        return {
            "name": "North",
            "timezone": "America/Chicago",
            "idle_timeout_minutes": 10,
            "version": 1,
        }
    if name == "portal:prescreen":
        return {
            "age": 40,
            "sex": "female",
            "weight": "150",
            "weight_unit": "lb",
            "pregnant": "no",
            "breastfeeding": "no",
            "allergy_ketamine": "no",
            "suicidal_thoughts": "no",
            "ride_home": "yes",
            "name": "Pat Public",
            "phone": "555 010 8888",
            "clinic": world.clinic.pk,
            "consent_to_contact": "on",
        }
    if name == "portal:lead":
        return {"expected": "new", "status": "contacted"}
    if name == "consent:publish":
        return {
            "title": "Updated consent",
            "body": "## About\n\nA changed consent text.",
            "basis": "clinic policy",
            "change_summary": "Clearer wording",
        }
    if name.startswith("screening:"):
        return screening_post_data(name)
    if name.startswith("plans:"):
        return plans_post_data(name)
    if name.startswith("safety:"):
        return safety_post_data(name)
    if name.startswith("integration:"):
        return integration_post_data(name)
    if name.startswith("outcomes:"):
        return outcomes_post_data(name)
    if name.startswith("pharmacology:"):
        return pharmacology_post_data(name)
    if name.startswith("quality:"):
        return quality_post_data(name, world.colleague.pk)
    if name.startswith("billing:"):
        return billing_post_data(name, world.clinic)
    if name in {"consent:staff_withdraw", "consent:tablet_start"}:
        return {"kind": "ketamine_treatment", "reason": "By phone"}
    return {}


def _state(world: World) -> tuple[object, ...]:
    world.patient.refresh_from_db()
    return (
        Patient.objects.count(),
        SupportPerson.objects.count(),
        sorted(Membership.objects.values_list("user_id", "clinic_id", "role")),
        User.objects.filter(is_active=True).count(),
        world.patient.version,
        world.patient.phone,
    )


def _answer(response) -> int | str:
    if response.status_code != 302:
        return int(response.status_code)
    return f"302 {resolve(urlsplit(response['Location']).path).view_name}"


CASES = [
    pytest.param(name, kind, method, answers[KINDS.index(kind)], id=f"{name}-{kind}-{method}")
    for name, row in MATRIX.items()
    for method, answers in row.items()
    for kind in KINDS
]


@pytest.mark.parametrize(("name", "kind", "method", "expected"), CASES)
def test_it_answers_as_the_matrix_says(name, kind, method, expected, world, make_staff):
    pattern = project_url_patterns().get(name)
    assert pattern is not None, f"{name} is in the matrix but is not a URL pattern"
    url = reverse(name, kwargs=world.kwargs_for(pattern))
    client = client_of(kind, world, make_staff)
    before = _state(world)

    response = client.get(url) if method == "GET" else client.post(url, post_data(name, world))

    assert _answer(response) == expected, f"{method} {url} as {kind}"
    if expected in REFUSALS:
        assert _state(world) == before, f"{method} {url} as {kind} was refused but changed data"
    body = response.content.decode() if not response.streaming else ""
    if kind in OUTSIDERS:
        for marker in (
            world.patient.mrn,
            world.patient.legal_given_name,
            world.support.name,
            world.colleague.username,
        ):
            assert marker not in body, f"{method} {url} as {kind} shows {marker!r}"
    if kind == Role.CLINIC_ADMIN:
        # Minimum necessary: the administrator role alone does not see patient details.
        assert world.patient.legal_given_name not in body


# --- Guessing a patient of another clinic -----------------------------------------------------------


@pytest.fixture
def foreign_patient(other_clinic, make_patient) -> Patient:
    patient: Patient = make_patient(
        other_clinic, legal_given_name="Outlandia", date_of_birth=date(1970, 1, 2)
    )
    SupportPerson.objects.create(
        patient=patient, name="Faraway Friend", relationship="Friend", phone="555 010 4444"
    )
    return patient


PATIENT_REQUESTS = [
    ("GET", "patients:chart"),
    ("GET", "patients:edit"),
    ("POST", "patients:edit"),
    ("POST", "patients:support_add"),
]


def _guess(client: Client, method: str, name: str, public_id: uuid.UUID):
    url = reverse(name, kwargs={"public_id": public_id})
    if method == "GET":
        return client.get(url)
    return client.post(
        url,
        {
            "legal_given_name": "Hacked",
            "legal_family_name": "Hacked",
            "date_of_birth": "1990-01-01",
            "sex": "male",
            "country": "US",
            "version": 1,
            "name": "Intruder",
            "relationship": "None",
            "phone": "555 010 5555",
        },
    )


@pytest.mark.parametrize(("method", "name"), PATIENT_REQUESTS)
@pytest.mark.parametrize("role", Role.values)
def test_it_rejects_guessing_another_clinics_patient_as_not_found(
    role, method, name, clinic, make_staff, foreign_patient
):
    client = sign_in(Client(), make_staff("guesser", clinic, role))
    real = _guess(client, method, name, foreign_patient.public_id)
    made_up = _guess(client, method, name, uuid.uuid4())

    # The real UUID of another clinic's patient answers exactly like a UUID that matches nobody.
    assert real.status_code == made_up.status_code == 404
    assert foreign_patient.legal_given_name not in real.content.decode()
    foreign_patient.refresh_from_db()
    assert foreign_patient.legal_family_name != "Hacked"
    assert foreign_patient.support_persons.count() == 1


def test_it_rejects_removing_a_support_person_through_another_patients_address(
    clinic, make_staff, make_patient, foreign_patient
):
    client = sign_in(Client(), make_staff("guesser", clinic, Role.NURSE))
    own = make_patient(clinic)
    own_other = make_patient(clinic)
    neighbour = SupportPerson.objects.create(
        patient=own_other, name="Neighbour", relationship="Friend", phone="555 010 6666"
    )
    foreign_person = foreign_patient.support_persons.get()

    for public_id, person in (
        (own.public_id, foreign_person),  # own patient's address, another clinic's person
        (own.public_id, neighbour),  # own patient's address, another patient's person
        (foreign_patient.public_id, foreign_person),  # another clinic's patient and person
        (uuid.uuid4(), foreign_person),
    ):
        url = reverse(
            "patients:support_remove", kwargs={"public_id": public_id, "person_id": person.pk}
        )
        assert client.post(url).status_code == 404, url

    assert SupportPerson.objects.filter(pk__in=[foreign_person.pk, neighbour.pk]).count() == 2


def test_it_rejects_finding_another_clinics_patient_by_search(clinic, make_staff, foreign_patient):
    client = sign_in(Client(), make_staff("searcher", clinic, Role.PRESCRIBER))
    for query in (
        foreign_patient.legal_family_name,
        foreign_patient.mrn,
        foreign_patient.date_of_birth.isoformat(),
    ):
        response = client.post(reverse("patients:list"), {"query": query})
        assert response.status_code == 200
        assert str(foreign_patient.public_id) not in response.content.decode(), query
        assert foreign_patient.legal_given_name not in response.content.decode(), query
