"""The documented backup restores: a pg_dump of the database and a copy of the files.

Dumped with ``pg_dump -Fc``, restored with ``pg_restore`` into an empty
database (as after losing the old one), the files folder copied back: the
app, started on the restored database, serves the same ticket and its file.
The commands are the README's (operations, backups), at the size of a test.
"""

import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from tests.factories import AgentFactory, ticketed_complaint

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)

SERVE = """
import django
django.setup()
from django.contrib.auth.models import User
from django.test import Client
client = Client()
client.force_login(User.objects.get(username="alex"))
page = client.get("/agent/tickets/%(reference)s/")
download = client.get("/agent/attachments/%(attachment)d/")
print(page.status_code, "%(description)s" in page.content.decode(), download.status_code,
      b"".join(download.streaming_content) == %(content)r)
"""


def run(*command, **environment):
    return subprocess.run(
        command,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


@pytest.fixture
def scratch_database():
    if connection.vendor != "postgresql":
        pytest.skip("the backup procedure is PostgreSQL's")
    name = f"amends_restore_{uuid.uuid4().hex[:8]}"
    yield name
    run("dropdb", "--if-exists", *_server(), name)


def _server():
    settings = connection.settings_dict
    return [
        "-h",
        settings["HOST"] or "127.0.0.1",
        "-p",
        str(settings["PORT"] or 5432),
        "-U",
        settings["USER"],
    ]


def test_a_dump_restored_into_an_empty_database_serves_the_same_ticket_and_file(
    scratch_database, tmp_path, settings
):
    AgentFactory(username="alex")
    complaint = ticketed_complaint(description="The blue kettle leaks at the handle.")
    content = b"%PDF-1.4 receipt of the kettle"
    attachment = complaint.attachments.create(
        stored_name="receipt.pdf",
        original_name="receipt.pdf",
        content_type="application/pdf",
        size=len(content),
    )
    attachment.file.save("receipt.pdf", ContentFile(content))
    dump = tmp_path / "amends.dump"
    files = tmp_path / "files"

    # Backup: the database in pg_dump's custom format, and the files folder.
    run("pg_dump", *_server(), "-Fc", "-f", str(dump), connection.settings_dict["NAME"])
    shutil.copytree(settings.MEDIA_ROOT, files)

    # Restore into an empty database, the files into an empty folder.
    run("createdb", *_server(), scratch_database)
    run("pg_restore", *_server(), "--no-owner", "-d", scratch_database, str(dump))
    restored_media = tmp_path / "restored-media"
    shutil.copytree(files, restored_media)

    server = connection.settings_dict
    url = f"postgres://{server['USER']}@{server['HOST'] or '127.0.0.1'}:{server['PORT'] or 5432}/{scratch_database}"
    script = SERVE % {
        "reference": complaint.reference,
        "attachment": attachment.pk,
        "description": "The blue kettle leaks",
        "content": content,
    }
    result = run(
        sys.executable,
        "-c",
        script,
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=url,
        MEDIA_ROOT=str(restored_media),
        ALLOWED_HOSTS="testserver",
    )
    assert result.stdout.split() == ["200", "True", "200", "True"], result.stderr[-2000:]
