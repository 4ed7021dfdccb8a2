"""`make run` needs no server: SQLite in WAL mode and a filesystem broker under var/."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, var_dir):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CACHE_URL"}
    }
    env.update(AMENDS_VAR_DIR=str(var_dir), DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )


def test_embedded_default_migrates_and_seeds_twice_without_any_server(tmp_path):
    manage("migrate", "--noinput", var_dir=tmp_path)
    first = manage("seed_demo", var_dir=tmp_path)
    second = manage("seed_demo", var_dir=tmp_path)
    assert "5 new complaints" in first.stdout
    assert "0 new complaints" in second.stdout
    assert "agent / amends-agent" in second.stdout
    with sqlite3.connect(tmp_path / "amends.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM complaints_complaint").fetchone()[0] == 5
        assert db.execute("SELECT count(*) FROM recovery_ticket").fetchone()[0] == 5
    # The received emails were queued on the filesystem broker, not lost.
    assert len(list((tmp_path / "broker" / "queue").glob("*.msg"))) == 5
