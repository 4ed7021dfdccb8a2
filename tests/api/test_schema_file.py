"""docs/openapi.yaml is the API's contract: it must be what the code generates."""

from pathlib import Path

from django.core.management import call_command

CHECKED_IN = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
REGENERATE = "python manage.py spectacular --file docs/openapi.yaml --validate"


def test_checked_in_schema_is_what_the_code_generates(tmp_path):
    generated = tmp_path / "openapi.yaml"

    call_command("spectacular", "--file", str(generated), "--validate", "--fail-on-warn")

    assert generated.read_text() == CHECKED_IN.read_text(), (
        f"The API changed but docs/openapi.yaml did not: run `{REGENERATE}`."
    )
