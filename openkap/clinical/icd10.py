"""ICD-10-CM codes: format, existence, descriptions and search.

The code set is the one shipped with the pinned `simple-icd-10-cm` package. Importing that package
parses its 10 MB XML file (about 3 seconds), so checking that a code exists reads only the package's
plain code list (about 40 ms, cached); descriptions and search load the full package on first use.

Codes are shown and stored with their dot ("I71.2"); `icd10_compact` gives the dotless form the code
list and the rule pack's matching use.
"""

from __future__ import annotations

import bisect
import importlib.util
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

# A letter, then two characters of which at least one is a digit (F01, I1A, QA0), then up to four
# more after the dot.
_CODE = re.compile(r"^[A-Z](?:[0-9][0-9A-Z]|[A-Z][0-9])(?:\.?[0-9A-Z]{1,4})?$")
_CODE_PREFIX = re.compile(r"^[A-Z](?:[0-9]|[A-Z][0-9])[0-9A-Z.]*$")
_WORD = re.compile(r"[a-z0-9]+")


class Icd10Error(ValueError):
    """A text that is not an ICD-10-CM code (malformed, or not in the code set)."""


@dataclass(frozen=True)
class Icd10Match:
    code: str
    description: str
    billable: bool


def icd10_is_well_formed(text: str) -> bool:
    """Whether the text has the shape of an ICD-10-CM code (case, spaces and the dot are forgiven)."""
    return bool(_CODE.match(_clean(text)))


def icd10_compact(code: str) -> str:
    """The dotless, upper-case form: 'i71.2' → 'I712'."""
    return _clean(code).replace(".", "")


def icd10_normalize(text: str) -> str:
    """The code in its standard form with the dot ('i712' → 'I71.2'); Icd10Error when malformed."""
    cleaned = _clean(text)
    if not _CODE.match(cleaned):
        raise Icd10Error(f"{text!r} is not a well-formed ICD-10-CM code")
    compact = cleaned.replace(".", "")
    return compact if len(compact) <= 3 else f"{compact[:3]}.{compact[3:]}"


def icd10_exists(code: str) -> bool:
    """Whether the code is a category, subcategory or full code of the code set (not a block)."""
    return icd10_is_well_formed(code) and icd10_compact(code) in _code_set()


def icd10_validate(text: str) -> str:
    """The normalised code; Icd10Error naming the problem when malformed or not in the code set."""
    code = icd10_normalize(text)
    if icd10_compact(code) not in _code_set():
        raise Icd10Error(f"{text!r} is not an ICD-10-CM code ({icd10_code_set_name()})")
    return code


def icd10_code_set_name() -> str:
    path = _code_list_path()
    edition = path.stem.removeprefix("code-list-") if path else "simple-icd-10-cm"
    return f"ICD-10-CM {edition.replace('-', ' ')}"


def icd10_description(code: str) -> str | None:
    """The code's description, or None when it is not a code of the code set."""
    if not icd10_exists(code):
        return None
    return _search_index().descriptions.get(icd10_normalize(code))


def icd10_is_billable(code: str) -> bool:
    """A billable (leaf) code: no more specific code below it."""
    if not icd10_exists(code):
        return False
    compact = icd10_compact(code)
    codes = _sorted_codes()
    following = bisect.bisect_right(codes, compact)
    return following == len(codes) or not codes[following].startswith(compact)


def icd10_leaves_under(code: str) -> tuple[str, ...]:
    """The billable (leaf) codes below a code, dotless; empty for a billable code or a non-code."""
    if not icd10_exists(code):
        return ()
    compact = icd10_compact(code)
    codes = _sorted_codes()
    start = bisect.bisect_right(codes, compact)
    end = bisect.bisect_left(codes, compact + "\uffff")
    return tuple(
        c
        for i, c in enumerate(codes[start:end], start)
        if i + 1 == len(codes) or not codes[i + 1].startswith(c)
    )


def icd10_search(text: str, limit: int = 20) -> list[Icd10Match]:
    """Codes whose code starts with the text, or whose description has a word starting with each
    word of the text. Billable codes first, then code-set order. At most `limit` results."""
    query = text.strip()
    if not query or limit <= 0:
        return []
    index = _search_index()
    hits: set[int] = set()
    if _CODE_PREFIX.match(_clean(query)):
        prefix = icd10_compact(query)
        start = bisect.bisect_left(index.compact, prefix)
        end = bisect.bisect_left(index.compact, prefix + "\uffff")
        hits.update(range(start, end))
    words = _WORD.findall(query.lower())
    if words:
        by_words: set[int] | None = None
        for word in words:
            matches = index.positions_of_words_starting_with(word)
            by_words = matches if by_words is None else by_words & matches
            if not by_words:
                break
        hits.update(by_words or ())
    ranked = sorted(hits, key=lambda i: (not index.billable[i], i))[:limit]
    return [
        Icd10Match(code=index.codes[i], description=index.texts[i], billable=index.billable[i])
        for i in ranked
    ]


def icd10_warm() -> None:
    """Load the descriptions now (about 3 seconds) rather than on the first search."""
    _search_index()


# --- Internals --------------------------------------------------------------------------------------


def _clean(text: str) -> str:
    return "".join(text.split()).upper()


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _code_list_path() -> Path | None:
    package = _package_dir()
    if package is None:
        return None
    lists = sorted((package / "data").glob("code-list-*.txt"))
    return lists[-1] if lists else None


@cache
def _code_set() -> frozenset[str]:
    return frozenset(_sorted_codes())


@cache
def _sorted_codes() -> tuple[str, ...]:
    """Every category, subcategory and code (dotless), without chapters and blocks."""
    path = _code_list_path()
    if path is not None:
        lines: Iterable[str] = path.read_text(encoding="utf-8").splitlines()
    else:  # pragma: no cover - the package layout changed: ask the package itself (slow)
        lines = _package().get_all_codes(with_dots=False)
    return tuple(sorted({c for line in lines if _CODE.match(c := line.strip())}))


def _package() -> Any:
    # A slow import (it parses the XML), made only when descriptions are needed. The package reads its
    # data with importlib.resources calls that Python deprecates; that is its business, not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import simple_icd_10_cm  # type: ignore[import-untyped]

    return simple_icd_10_cm


@dataclass(frozen=True)
class _SearchIndex:
    codes: tuple[str, ...]  # dotted, in dotless sort order
    compact: tuple[str, ...]
    texts: tuple[str, ...]
    billable: tuple[bool, ...]
    descriptions: dict[str, str]
    vocabulary: tuple[str, ...]  # sorted distinct description words
    postings: dict[str, frozenset[int]]

    def positions_of_words_starting_with(self, prefix: str) -> set[int]:
        found: set[int] = set()
        start = bisect.bisect_left(self.vocabulary, prefix)
        for word in self.vocabulary[start:]:
            if not word.startswith(prefix):
                break
            found |= self.postings[word]
        return found


@cache
def _search_index() -> _SearchIndex:
    package = _package()
    compact = _sorted_codes()
    codes = tuple(icd10_normalize(c) for c in compact)
    texts = tuple(str(package.get_description(code)) for code in codes)
    billable = tuple(
        i + 1 == len(compact) or not compact[i + 1].startswith(c) for i, c in enumerate(compact)
    )
    words: dict[str, set[int]] = {}
    for position, text in enumerate(texts):
        for word in set(_WORD.findall(text.lower())):
            words.setdefault(word, set()).add(position)
    return _SearchIndex(
        codes=codes,
        compact=compact,
        texts=texts,
        billable=billable,
        descriptions=dict(zip(codes, texts, strict=True)),
        vocabulary=tuple(sorted(words)),
        postings={word: frozenset(positions) for word, positions in words.items()},
    )
