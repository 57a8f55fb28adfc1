"""Plans on the chart's timeline: each plan written, signed, completed or stopped."""

from __future__ import annotations

from collections.abc import Iterable

from openkap.accounts.permissions import Permission
from openkap.patients.models import Patient
from openkap.patients.timeline import TimelineEntry, timeline_source
from openkap.plans.models import PlanStatus, TreatmentPlan


@timeline_source(permission=Permission.PLAN_VIEW)
def plan_entries(patient: Patient) -> Iterable[TimelineEntry]:
    for plan in TreatmentPlan.objects.filter(patient=patient).order_by("created_at"):
        what = f"{plan.protocol_name}; {plan.get_route_display()}, {plan.get_setting_display()}"
        yield TimelineEntry(at=plan.created_at, kind="plan", title="Plan written", detail=what)
        if plan.signed_at is not None:
            yield TimelineEntry(
                at=plan.signed_at, kind="plan", title="Plan signed and activated", detail=what
            )
        if plan.ended_at is not None:
            if plan.status == PlanStatus.STOPPED:
                yield TimelineEntry(
                    at=plan.ended_at,
                    kind="plan",
                    title="Plan stopped",
                    detail=f"reason: {plan.stop_reason}",
                )
            else:
                yield TimelineEntry(
                    at=plan.ended_at, kind="plan", title="Plan completed", detail=what
                )
