"""The drug classes hold every drug the notes and the seeds name, and the common psychiatric
medicines, so that they are recognised."""

from __future__ import annotations

import pytest

from openkap.clinical.rulepack import load_rule_pack

EXPECTED = {
    "benzodiazepines": [
        "alprazolam",
        "clonazepam",
        "diazepam",
        "lorazepam",
        "midazolam",
        "temazepam",
        "chlordiazepoxide",
        "oxazepam",
        "triazolam",
        "clobazam",
        "clorazepate",
        "estazolam",
    ],
    "non-benzodiazepine-hypnotics": ["zolpidem", "zaleplon", "eszopiclone", "zopiclone"],
    "opioids": [
        "morphine",
        "oxycodone",
        "hydrocodone",
        "hydromorphone",
        "fentanyl",
        "methadone",
        "buprenorphine",
        "tramadol",
        "codeine",
        "tapentadol",
    ],
    "psychostimulants": [
        "amphetamine",
        "dextroamphetamine",
        "lisdexamfetamine",
        "methylphenidate",
        "dexmethylphenidate",
        "modafinil",
        "armodafinil",
    ],
    "maois": [
        "phenelzine",
        "tranylcypromine",
        "isocarboxazid",
        "selegiline",
        "linezolid",
        "methylene blue",
    ],
    "methylxanthines": ["theophylline", "aminophylline"],
    "lamotrigine": ["lamotrigine"],
    "sympathomimetics": ["pseudoephedrine", "phenylephrine", "epinephrine", "vasopressin"],
}
RECOGNISED = [
    # antidepressants
    "sertraline",
    "fluoxetine",
    "escitalopram",
    "citalopram",
    "paroxetine",
    "venlafaxine",
    "desvenlafaxine",
    "duloxetine",
    "bupropion",
    "mirtazapine",
    "amitriptyline",
    "nortriptyline",
    "imipramine",
    "clomipramine",
    "trazodone",
    "vortioxetine",
    "vilazodone",
    # antipsychotics
    "quetiapine",
    "aripiprazole",
    "olanzapine",
    "risperidone",
    "lurasidone",
    "clozapine",
    "haloperidol",
    "cariprazine",
    "brexpiprazole",
    "ziprasidone",
    # mood stabilisers
    "lithium",
    "valproate",
    "valproic acid",
    "divalproex",
]


@pytest.mark.parametrize(
    ("class_id", "name"), [(c, n) for c, names in EXPECTED.items() for n in names]
)
def test_it_puts_the_drug_in_its_class(class_id, name):
    assert class_id in (load_rule_pack().drug_classes_of(name) or ())


@pytest.mark.parametrize("name", RECOGNISED)
def test_it_recognises_common_psychiatric_medicines(name):
    assert load_rule_pack().drug_classes_of(name) is not None
