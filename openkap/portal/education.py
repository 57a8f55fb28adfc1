"""The education pages: which topics exist, in which order. Their text lives in the templates
portal/learn/<slug>.html, written from the two patient-education articles (the seeds) and citing
the sources the seeds cite."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    slug: str
    title: str
    summary: str


TOPICS: tuple[Topic, ...] = (
    Topic(
        "what-is-ketamine-therapy",
        "What is ketamine therapy?",
        "What ketamine is, how it may help, and what it feels like.",
    ),
    Topic(
        "ways-to-take-ketamine",
        "Ways ketamine is given",
        "IV, a shot in a muscle or under the skin, tablets, the esketamine nasal spray, and at home.",
    ),
    Topic(
        "fda-approval",
        "Is it FDA-approved? What off-label means",
        "Only esketamine (Spravato) is approved for depression. Everything else is off-label.",
    ),
    Topic(
        "what-to-expect",
        "What to expect before, during and after a session",
        "Screening, the day of the session, recovery and the ride home, integration.",
    ),
    Topic(
        "side-effects-and-risks",
        "Side effects and risks",
        "What is common, how often it happens, and the rarer serious risks.",
    ),
    Topic(
        "who-should-not",
        "Who should not have ketamine",
        "Health problems and medicines that make ketamine unsafe or need a doctor's review.",
    ),
    Topic(
        "therapy-alongside",
        "Psychotherapy alongside ketamine",
        "Preparation and integration sessions, and the kinds of therapy used with ketamine.",
    ),
    Topic(
        "at-home-ketamine",
        "At-home ketamine",
        "How it works, and why it carries more risk than treatment at a clinic.",
    ),
    Topic(
        "costs-and-insurance",
        "Costs and insurance",
        "What treatment may cost, what insurance usually covers, and ways to pay.",
    ),
    Topic(
        "choosing-a-clinic",
        "How to choose a clinic",
        "A checklist of questions to ask before you start.",
    ),
)

BY_SLUG = {topic.slug: topic for topic in TOPICS}
