"""The price list and payer pages: billing adds a price or an item and records coverage; bad input
is refused naming the field with nothing saved; front desk reads without the forms; every payer
page says coverage is the clinic's information, not a fact."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from openkap.billing.models import CoverageRule, Price, PriceItem


def test_billing_adds_a_new_price_from_a_date(price_list, biller, client_for):
    start = timezone.localdate() + timedelta(days=14)
    response = client_for(biller).post(
        reverse("billing:prices"),
        {"item": price_list["iv"].pk, "amount": "425.00", "effective_from": start.isoformat()},
    )
    assert response.status_code == 302
    assert price_list["iv"].prices.filter(amount=Decimal("425.00"), effective_from=start).exists()


def test_a_negative_price_and_a_missing_date_are_refused_by_name(price_list, biller, client_for):
    response = client_for(biller).post(
        reverse("billing:prices"), {"item": price_list["iv"].pk, "amount": "-5"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "New price:" in body and "In force from:" in body
    assert Price.objects.filter(item=price_list["iv"]).count() == 1


def test_a_price_in_the_past_is_refused_by_name(price_list, biller, client_for):
    response = client_for(biller).post(
        reverse("billing:prices"),
        {
            "item": price_list["iv"].pk,
            "amount": "425.00",
            "effective_from": (timezone.localdate() - timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 400
    assert "rewrite history" in response.content.decode()


def test_front_desk_reads_the_list_without_the_form(price_list, front_desk, client_for):
    body = client_for(front_desk).get(reverse("billing:prices")).content.decode()
    assert "IV package of 6" in body
    assert "A new price" not in body


def test_billing_adds_a_package_with_codes(clinic, biller, client_for):
    response = client_for(biller).post(
        reverse("billing:item_add"),
        {
            "name": "IM package of 4",
            "service": "dosing",
            "route": "im",
            "setting": "in_office",
            "package_sessions": "4",
            "codes": ["96372"],
            "amount": "1500.00",
            "effective_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    item = PriceItem.objects.get(clinic=clinic, name="IM package of 4")
    assert (item.package_sessions, item.codes) == (4, ["96372"])


def test_a_route_on_a_non_dosing_item_is_refused(clinic, biller, client_for):
    response = client_for(biller).post(
        reverse("billing:item_add"),
        {
            "name": "Odd",
            "service": "integration",
            "route": "iv",
            "amount": "10.00",
            "effective_from": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert "dosing sessions only" in response.content.decode()
    assert not PriceItem.objects.filter(clinic=clinic, name="Odd").exists()


def test_billing_records_coverage_and_the_page_labels_it(insurer, biller, client_for):
    url = reverse("billing:payer", kwargs={"payer_id": insurer.pk})
    response = client_for(biller).post(
        url,
        {
            "action": "coverage",
            "service": "dosing",
            "route": "intranasal_esketamine",
            "method": "copay",
            "copay": "10.00",
            "note": "Manufacturer savings programme",
            "version": insurer.version,
        },
    )
    assert response.status_code == 302
    rule = CoverageRule.objects.get(payer=insurer, route="intranasal_esketamine")
    assert rule.copay == Decimal("10.00")
    body = client_for(biller).get(url).content.decode()
    assert "Clinic information, not facts" in body
    assert "Manufacturer savings programme" in body


def test_a_copay_rule_without_an_amount_is_refused(insurer, biller, client_for):
    response = client_for(biller).post(
        reverse("billing:payer", kwargs={"payer_id": insurer.pk}),
        {"action": "coverage", "service": "evaluation", "method": "copay", "version": 1},
    )
    assert response.status_code == 400
    assert "Copay per session:" in response.content.decode()
    assert not CoverageRule.objects.filter(payer=insurer, service="evaluation").exists()


def test_the_payers_page_labels_coverage_as_clinic_information(insurer, front_desk, client_for):
    body = client_for(front_desk).get(reverse("billing:payers")).content.decode()
    assert "Clinic information, not facts" in body
    assert "Benefits call, 3 March" in body


def test_coverage_changed_meanwhile_is_not_overwritten(insurer, biller, client_for):
    url = reverse("billing:payer", kwargs={"payer_id": insurer.pk})
    seen = insurer.version
    first = {"action": "coverage", "service": "evaluation", "method": "covered", "version": seen}
    assert client_for(biller).post(url, first).status_code == 302
    second = {**first, "method": "not_covered"}
    response = client_for(biller).post(url, second)
    assert response.status_code == 400
    assert "Someone else changed this payer" in response.content.decode()
    assert CoverageRule.objects.get(payer=insurer, service="evaluation").method == "covered"
