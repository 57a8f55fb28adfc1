"""The rule pack in force at the clinic: every rule with its source, and the clinic's local rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from openkap.accounts.decorators import active_clinic, request_user, staff_required
from openkap.accounts.permissions import Permission, user_can
from openkap.clinical.rulepack import LEVEL_RANK, load_rule_pack
from openkap.knowledge.forms import ClinicRulesForm
from openkap.knowledge.models import ClinicRules
from openkap.knowledge.selectors import clinic_rule_pack, clinic_rules_current
from openkap.knowledge.services import clinic_rules_publish


@staff_required
@require_http_methods(["GET", "POST"])
def rules_view(request: HttpRequest) -> HttpResponse:
    clinic = active_clinic(request)
    user = request_user(request)
    can_manage = user_can(user, Permission.RULES_MANAGE, clinic.pk)
    current = clinic_rules_current(clinic=clinic)
    form = ClinicRulesForm(request.POST or None, initial={"text": current.text if current else ""})
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        if form.is_valid():
            try:
                published = clinic_rules_publish(
                    actor=user,
                    clinic=clinic,
                    text=form.cleaned_data["text"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Local rules version {published.version} is in force.")
                return redirect("knowledge:rules")
    pack = clinic_rule_pack(clinic=clinic)
    base = load_rule_pack()
    base_levels = {rule.id: rule.level for rule in base.rules}
    rules = sorted(pack.rules, key=lambda rule: (-LEVEL_RANK[rule.level], rule.id))
    return render(
        request,
        "knowledge/rules.html",
        {
            "pack": pack,
            "base": base,
            "rules": [(rule, base_levels.get(rule.id)) for rule in rules],
            "current": current,
            "history": ClinicRules.objects.filter(clinic=clinic).order_by("-version")[:20],
            "form": form,
            "can_manage": can_manage,
        },
        status=400 if form.errors else 200,
    )
