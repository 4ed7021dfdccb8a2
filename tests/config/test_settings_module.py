"""The settings module only reads the environment: no app imported, no folder made, no known key.

Each check imports ``config.settings`` in a fresh interpreter, as gunicorn, the
worker, mypy or a deploy check would, and looks at what that did.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = ("shared", "complaints", "recovery", "notifications", "review")

PROBE = f"""
import json, sys
import config.settings as settings
print(json.dumps({{
    "apps": sorted({{m.split(".")[0] for m in sys.modules}} & set({list(APPS)!r})),
    "key": settings.SECRET_KEY,
}}))
"""


def import_settings(tmp_path, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    base["AMENDS_VAR_DIR"] = str(tmp_path / "var")
    return subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_importing_the_settings_imports_no_app_and_makes_no_folder(tmp_path):
    run = import_settings(tmp_path, SECRET_KEY="from-the-environment")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["apps"] == []
    assert not (tmp_path / "var").exists()


def test_without_debug_a_missing_secret_key_stops_the_start(tmp_path):
    run = import_settings(tmp_path, DEBUG="0")
    assert run.returncode != 0
    assert "SECRET_KEY must be set unless DEBUG is on" in run.stderr


def test_the_insecure_fallback_key_is_for_debug_only(tmp_path):
    run = import_settings(tmp_path, DEBUG="1")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["key"] == "insecure-debug-only-key"
    assert json.loads(import_settings(tmp_path, SECRET_KEY="set").stdout)["key"] == "set"
