"""`make run` needs no server: SQLite in WAL mode and a filesystem broker under var/."""

import sqlite3

from tests.embedded import manage


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
