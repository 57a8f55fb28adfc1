"""Runs `openkap screen` as a user would: our interpreter, `-m openkap`, JSON on stdin or in a file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[3]
PLAIN_ADULT: dict[str, Any] = {"age_years": 40, "sex": "female", "weight_kg": 70}


def run_screen(*args: str, stdin: Any = None, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENKAP_DATA_DIR": str(data_dir)}
    text = stdin if isinstance(stdin, str) or stdin is None else json.dumps(stdin)
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "openkap", "screen", *args],
        cwd=REPO,
        env=env,
        input=text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
