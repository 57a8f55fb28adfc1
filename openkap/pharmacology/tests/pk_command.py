"""Run `openkap pk ...`: `run_pk` in a separate process exactly as a user would (stdout, stderr,
exit code), `call_pk` the same command line in this process (faster, for the many input cases)."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def run_pk(*args: str, data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "OPENKAP_DATA_DIR": str(data_dir)}
    return subprocess.run(  # noqa: S603  (our own interpreter and arguments)
        [sys.executable, "-m", "openkap", "pk", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def call_pk(*args: str) -> subprocess.CompletedProcess[str]:
    from openkap.pharmacology.management.commands.pk import Command

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            Command().run_from_argv(["openkap", "pk", *args])
        except SystemExit as exit_:
            code = int(exit_.code or 0)
    return subprocess.CompletedProcess(
        ["openkap", "pk", *args], code, out.getvalue(), err.getvalue()
    )
