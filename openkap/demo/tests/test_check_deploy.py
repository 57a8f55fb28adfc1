from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[3]


def test_production_settings_pass_the_deploy_check(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openkap.config.production",
        "OPENKAP_SECRET_KEY": secrets.token_urlsafe(45),
        "OPENKAP_ALLOWED_HOSTS": "clinic.example.org",
        "OPENKAP_BASE_URL": "https://clinic.example.org",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "OPENKAP_DATA_DIR": str(tmp_path),
    }
    assert len(env["OPENKAP_SECRET_KEY"]) == 60
    result = subprocess.run(
        [sys.executable, "-m", "openkap", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr
    assert result.stderr.strip() == ""


def test_the_deploy_check_refuses_demo_mode(tmp_path):
    # Guards the check above: the same command does fail when a setting is unsafe.
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "openkap.config.settings",
        "OPENKAP_SECRET_KEY": secrets.token_urlsafe(45),
        "OPENKAP_ALLOWED_HOSTS": "clinic.example.org",
        "OPENKAP_DEMO_MODE": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3",
        "OPENKAP_DATA_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "-m", "openkap", "check", "--deploy"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "openkap.E001" in result.stdout + result.stderr
