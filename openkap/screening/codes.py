"""ICD-10-CM codes for the problem list, through the clinical core's code set (openkap.clinical.icd10):
search as you type, and check a code before it is saved. Codes are shown and stored with their dot."""

from __future__ import annotations

from openkap.clinical.icd10 import (
    Icd10Error,
    Icd10Match,
    icd10_description,
    icd10_exists,
    icd10_normalize,
    icd10_search,
)

__all__ = ["Icd10Match", "code_search", "describe", "is_valid", "normalise"]


def normalise(text: str) -> str:
    """Upper case, no spaces, the dot in place: 'i714' and 'I71.4 ' both give 'I71.4'. A text that
    is not shaped like a code is returned stripped, unchanged (is_valid then says no)."""
    try:
        return icd10_normalize(text)
    except Icd10Error:
        return text.strip()


def is_valid(code: str) -> bool:
    """A category, subcategory or full code of the code set (not a chapter or a block)."""
    return icd10_exists(code)


def describe(code: str) -> str:
    return icd10_description(code) or ""


def code_search(text: str, limit: int = 20) -> list[Icd10Match]:
    """Codes starting with the text, or whose description has words starting with its words."""
    return icd10_search(text, limit)
