import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_check_deploy_with_production_settings_prints_no_warnings():
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "qaportal.settings.production",
        "DJANGO_SECRET_KEY": "a-production-grade-secret-" + "x9Q!" * 12,
        "DJANGO_ALLOWED_HOSTS": "qaportal.example.gov.uk",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "qaportal.settings.production"
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    from django.conf import settings

    assert settings.DEBUG is False


def _local_settings(extra_env: dict | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "qaportal.settings.local", **(extra_env or {})})
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_first_command_a_new_user_runs_has_debug_off():
    """`make run` must not show tracebacks with POST data, or list every URL, to whoever reaches the port."""
    assert _local_settings() == "False"
    assert _local_settings({"DJANGO_DEBUG": "true"}) == "True"  # `make run DEBUG=1`


def test_make_run_passes_debug_only_when_asked():
    makefile = (ROOT / "Makefile").read_text()
    assert "DJANGO_DEBUG=$(if $(DEBUG),true,false) scripts/run.sh" in makefile


def test_an_unknown_page_is_a_plain_404_without_the_url_list(client, db):
    response = client.get("/no-such-council/and/page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "Page not found" in page and "URLconf" not in page and "urlpatterns" not in page


def test_the_500_page_is_readable_and_names_no_internals(rf):
    from qaportal.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Sorry, there is a problem with the service" in response.content


def test_generated_files_go_to_private_object_storage_when_a_bucket_is_named():
    """Reports and PDFs are written through Django's storage API: a filesystem locally, an
    S3-compatible bucket in production. Object storage has no paths, so the document runner uploads
    the finished file in one go (qaportal.documents._store) instead of moving a temporary file."""
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DJANGO_SETTINGS_MODULE": "qaportal.settings.production",
        "DJANGO_SECRET_KEY": "a-production-grade-secret-" + "x9Q!" * 12,
        "DJANGO_ALLOWED_HOSTS": "qaportal.example.gov.uk",
        "QAPORTAL_S3_BUCKET": "council-reports",
        "QAPORTAL_S3_ENDPOINT_URL": "https://objects.example.gov.uk",
    }
    script = (
        "import django; django.setup()\n"
        "from django.core.files.storage import storages\n"
        "s = storages['default']\n"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)\n"
        "try:\n    s.path('x')\nexcept NotImplementedError:\n    print('no paths')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == [
        "S3Storage council-reports https://objects.example.gov.uk private",
        "no paths",
    ]


def _database_settings(extra_env: dict) -> dict:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("QAPORTAL_DB_")},
        "DJANGO_SETTINGS_MODULE": "qaportal.settings.production",
        "DJANGO_SECRET_KEY": "a-production-grade-secret-" + "x9Q!" * 12,
        "QAPORTAL_DB_ENGINE": "postgresql",
        **extra_env,
    }
    script = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "print(json.dumps(settings.DATABASES['default']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_behind_pgbouncer_server_side_cursors_are_off():
    """In transaction pooling mode the server connection changes between transactions, so a cursor
    `.iterator()` opened outside one would vanish; the driver then reads the whole result at once."""
    assert _database_settings({})["DISABLE_SERVER_SIDE_CURSORS"] is False
    behind = _database_settings({"QAPORTAL_DB_PGBOUNCER": "true", "QAPORTAL_DB_HOST": "pgbouncer"})
    assert behind["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert behind["HOST"] == "pgbouncer"


def test_statements_are_prepared_straight_to_postgresql_and_not_behind_pgbouncer():
    """Each query planned once per connection; PgBouncer in transaction mode moves connections between
    statements, so there they are prepared only when asked for (PgBouncer 1.21+ can keep them)."""
    straight = _database_settings({})["OPTIONS"]
    assert straight == {"server_side_binding": True, "prepare_threshold": 2}
    assert _database_settings({"QAPORTAL_DB_PGBOUNCER": "true"})["OPTIONS"] == {}
    kept = _database_settings({"QAPORTAL_DB_PGBOUNCER": "true", "QAPORTAL_DB_PREPARED": "true"})["OPTIONS"]
    assert kept["prepare_threshold"] == 2
    assert _database_settings({"QAPORTAL_DB_PREPARED": "false"})["OPTIONS"] == {}


def test_the_suite_itself_runs_on_prepared_statements():
    """So that every query of the service is checked to work with server-side binding."""
    from django.db import connection

    assert connection.settings_dict["OPTIONS"].get("server_side_binding") is True
