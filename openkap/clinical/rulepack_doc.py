"""docs/clinical-rules.md, generated from the rule pack so that the two cannot drift apart (a test
compares them). Regenerate after changing the pack:

    .venv/bin/python -m openkap.clinical.rulepack_doc > docs/clinical-rules.md
"""

from __future__ import annotations

import sys

from openkap.clinical.rulepack import LEVELS, Rule, RulePack, load_rule_pack

INTRO = """\
# Clinical rules: the eligibility rule pack

Generated from `openkap/clinical/knowledge/rulepack/` by `python -m openkap.clinical.rulepack_doc`;
do not edit by hand (a test checks that this file matches the data).

The eligibility engine (`openkap/clinical/eligibility.py`, `openkap screen`) checks a screening
against these rules. **Decision:** *ineligible* when any finding is absolute, *needs_review* when any
is relative, *eligible* otherwise. Every finding shows its rule, level, message, source, strength,
whether the source is verified, and the inputs that triggered it. The engine suggests; the prescriber
confirms, or overrides a soft stop with a documented reason.

| level | meaning |
|---|---|
| absolute | hard stop: not treated |
| relative | soft stop: the prescriber reviews and may override with a documented reason |
| caution | shown, does not block |
| info | information |

**Strength:** *label* = a drug label (SPRAVATO, KETALAR) or the SPRAVATO REMS; *consensus* = a
guideline, consensus statement or published study; *clinic_policy* = the pack's own choice, derived
from the sources named. **Verified = no** marks a fact our research notes flag as [VERIFY] or
[UNVERIFIED]; the rule's note says what to check.

A code matches a rule when the rule names it, a category above it (a rule on I71 matches I71.2) or a
range around it. A screening code broader than a rule (F32, of which only F32.3 has psychotic
features) still raises the rule, at most at the level `broad_code_max_level` of pack.toml (relative),
with a note asking for the specific code.

A rule limited to routes or settings applies only when the screening names one of them. Rules taken
from the SPRAVATO label's contraindications apply to every route (racemic ketamine has no label for
depression; the research notes advise treating them as absolute for ketamine too).

## Local rules

A clinic may lay its own rules over the pack (`openkap screen --local-rules clinic.toml`, or
`RulePack.with_local_rules`): new rules in the format of `rules.toml` (strength defaults to
`clinic_policy`), and `[[raise]]` entries that make an existing rule stricter. Lowering a level is
refused: a clinic may tighten, never loosen. The pack version then reads `VERSION+local.DIGEST`.

```toml
[[rule]]
id = "local-no-ocd-at-home"
level = "relative"
codes = ["F42"]
settings = ["at_home"]
message = "Clinic policy: OCD patients are treated in the clinic only."
source = "Riverside clinic SOP 12"

[[raise]]
rule = "bipolar-disorder"
level = "relative"
reason = "Psychiatrist review for every patient with bipolar disorder"
```
"""


def render(pack: RulePack) -> str:
    lines = [INTRO, f"## The rules (pack {pack.version}, effective {pack.effective_date})", ""]
    lines.append("| rule | level | matches | source | strength | verified |")
    lines.append("|---|---|---|---|---|---|")
    ordered = sorted(pack.rules, key=lambda r: -LEVELS.index(r.level))
    for rule in ordered:
        verified = "yes" if rule.verified else f"no: {rule.note}"
        lines.append(
            f"| `{rule.id}` | {rule.level} | {_cell(_matches(rule, pack))} | {_cell(rule.source)} "
            f"| {rule.strength} | {_cell(verified)} |"
        )
    lines += ["", "## Condition sets (ICD-10-CM)", ""]
    lines.append("A code matches itself and every code below it; `A-B` is a range of categories.")
    lines += ["", "| set | conditions | codes | except |", "|---|---|---|---|"]
    for condition_set in pack.condition_sets.values():
        codes = ", ".join(p.text for p in condition_set.codes)
        excluded = ", ".join(p.text for p in condition_set.excluded)
        lines.append(
            f"| `{condition_set.id}` | {_cell(condition_set.name)} | {codes} | {excluded} |"
        )
    lines += ["", "## Drug classes", "", "| class | name | generic names |", "|---|---|---|"]
    for drug_class in pack.drug_classes.values():
        members = ", ".join(drug_class.members)
        lines.append(f"| `{drug_class.id}` | {_cell(drug_class.name)} | {_cell(members)} |")
    lines += ["", "## Plausibility limits", "", "| field | range |", "|---|---|"]
    for limit in pack.limits.values():
        lines.append(f"| `{limit.field}` | {limit.describe()} |")
    return "\n".join(lines) + "\n"


def _matches(rule: Rule, pack: RulePack) -> str:
    parts: list[str] = []
    for condition_set in rule.conditions:
        codes = ", ".join(p.text for p in condition_set.codes)
        excluded = ", ".join(p.text for p in condition_set.excluded)
        parts.append(f"{condition_set.name} ({codes}{f'; not {excluded}' if excluded else ''})")
    if rule.codes:
        parts.append("codes: " + ", ".join(p.text for p in rule.codes))
    if rule.drug_classes:
        parts.append("drug classes: " + ", ".join(f"`{c}`" for c in rule.drug_classes))
    if rule.drugs:
        parts.append("drugs: " + ", ".join(rule.drugs))
    if rule.allergies:
        parts.append("allergy to " + ", ".join(rule.allergies))
    if rule.pregnant:
        parts.append("pregnant")
    if rule.breastfeeding:
        parts.append("breastfeeding")
    if rule.blood_pressure is not None:
        bp = rule.blood_pressure
        limits = [
            f"systolic > {bp.systolic_above}" if bp.systolic_above is not None else "",
            f"diastolic > {bp.diastolic_above}" if bp.diastolic_above is not None else "",
            f"systolic ≥ {bp.systolic_at_least}" if bp.systolic_at_least is not None else "",
            f"diastolic ≥ {bp.diastolic_at_least}" if bp.diastolic_at_least is not None else "",
        ]
        parts.append("blood pressure " + " or ".join(x for x in limits if x) + " mmHg")
    if rule.heart_rate_above is not None:
        parts.append(f"heart rate > {rule.heart_rate_above}/min")
    if rule.has_age_trigger:
        ages = [
            f"< {rule.age_below}" if rule.age_below is not None else "",
            f"≥ {rule.age_at_least}" if rule.age_at_least is not None else "",
            f"≤ {rule.age_at_most}" if rule.age_at_most is not None else "",
        ]
        parts.append("age " + " and ".join(x for x in ages if x))
    if rule.unknown_medication:
        parts.append("a medication the pack does not know")
    text = "; or ".join(parts)
    only = []
    if rule.routes:
        only.append("route " + ", ".join(f"`{r}`" for r in rule.routes))
    if rule.settings:
        only.append("setting " + ", ".join(f"`{s}`" for s in rule.settings))
    if only:
        text = f"{text} (only with {' and '.join(only)})" if text else " and ".join(only)
    if rule.supersedes:
        text += "; replaces " + ", ".join(f"`{r}`" for r in rule.supersedes)
    return text


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


if __name__ == "__main__":
    sys.stdout.write(render(load_rule_pack()))
