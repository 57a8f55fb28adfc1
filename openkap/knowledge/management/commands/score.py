"""`openkap score`: score a measurement instrument from the command line (no database).

    openkap score phq9 --answers 1,0,2,3,1,0,0,1,0
    openkap score --batch answers.jsonl        (or `-` for stdin)

Prints one JSON object per scoring. Bad input exits 2 with a message naming the problem on stderr.
In batch mode every line is scored: a bad line prints `{"line": N, "error": "..."}` in its place,
its message goes to stderr as "line N: ...", and the command exits 2 at the end.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, NoReturn, TextIO, cast

from django.core.management.base import BaseCommand, CommandParser

from openkap.clinical.instruments import AnswerError, instrument_ids, score

EXIT_BAD_INPUT = 2
BATCH_KEYS = {"instrument", "answers"}


class Command(BaseCommand):
    help = (
        "Score an instrument: `score INSTRUMENT --answers 1,0,2,...` prints "
        '{"instrument", "total", "severity", "flags", ...}; `score --batch FILE|-` reads JSON lines '
        '{"instrument", "answers"} and prints one JSON line each. Bad input exits 2.'
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "instrument", nargs="?", help=f"instrument id: {', '.join(instrument_ids())}"
        )
        parser.add_argument(
            "--answers",
            help="comma-separated integer answers in item order (ASQ: leave item 5 off when "
            "items 1-4 are all 0)",
        )
        parser.add_argument(
            "--batch",
            metavar="FILE",
            help='JSON lines {"instrument": ID, "answers": [...]}; "-" reads stdin',
        )

    def handle(self, *args: Any, **options: Any) -> None:
        instrument_id: str | None = options["instrument"]
        answers: str | None = options["answers"]
        batch: str | None = options["batch"]
        if batch is not None:
            if instrument_id is not None or answers is not None:
                self._fail("give either INSTRUMENT --answers ... or --batch FILE, not both")
            self._batch(batch)
            return
        if instrument_id is None:
            self._fail("instrument: missing (e.g. `openkap score phq9 --answers 0,1,...`)")
        if answers is None:
            self._fail("answers: missing --answers (comma-separated integers in item order)")
        try:
            result = score(instrument_id, _parse_answers(answers))
        except AnswerError as error:
            self._fail(str(error))
        self.stdout.write(json.dumps(result.to_json()))

    def _batch(self, source: str) -> None:
        try:
            if source == "-":
                failed = self._score_lines(sys.stdin)
            else:
                with open(source, encoding="utf-8") as handle:
                    failed = self._score_lines(handle)
        except OSError as error:
            self._fail(f"--batch: cannot read {source}: {error.strerror}")
        except UnicodeDecodeError:
            self._fail(f"--batch: {'stdin' if source == '-' else source} is not UTF-8 text")
        if failed:
            sys.exit(EXIT_BAD_INPUT)

    def _score_lines(self, lines: TextIO) -> int:
        failed = 0
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue  # blank lines are skipped and print nothing
            try:
                result = _score_line(line)
            except AnswerError as error:
                failed += 1
                self.stderr.write(f"line {number}: {error}")
                self.stdout.write(json.dumps({"line": number, "error": str(error)}))
            else:
                self.stdout.write(json.dumps(result))
            self.stdout.flush()
        return failed

    def _fail(self, message: str) -> NoReturn:
        self.stderr.write(message)
        sys.exit(EXIT_BAD_INPUT)


def _parse_answers(text: str) -> Sequence[int]:
    """Integers where the text is an integer; anything else is kept as text, so that the core names
    the item that is not an integer (after checking the count)."""
    if not text.strip():
        return []
    answers: list[int | str] = []
    for part in text.split(","):
        part = part.strip()
        try:
            answers.append(int(part, 10))
        except ValueError:
            answers.append(part)
    return cast("Sequence[int]", answers)


def _score_line(line: str) -> dict[str, Any]:
    try:
        data = json.loads(line)
    except ValueError as error:
        raise AnswerError("line", f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise AnswerError("line", 'must be a JSON object {"instrument": ..., "answers": [...]}')
    unknown = sorted(set(data) - BATCH_KEYS)
    if unknown:
        raise AnswerError("line", f"unknown key {unknown[0]!r} (expected instrument, answers)")
    for key in ("instrument", "answers"):
        if key not in data:
            raise AnswerError(key, f"{key}: missing")
    if not isinstance(data["instrument"], str):
        raise AnswerError("instrument", f"instrument: must be a string, got {data['instrument']!r}")
    if not isinstance(data["answers"], list):
        raise AnswerError(
            "answers", f"answers: must be a list of integers, got {data['answers']!r}"
        )
    return score(data["instrument"], data["answers"]).to_json()
