"""docker-compose.yml cannot run here (no Docker engine), so it is parsed and checked: every command of the app's
services exists (manage.py commands, the WSGI module, the Celery app and its beat task), every variable passed to
them is one config/settings reads, and the URLs point at the services of the same file."""
import importlib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
# The services that run this code (they carry the app's settings module).
APP_SERVICES = sorted(
    name for name, service in SERVICES.items() if "DJANGO_SETTINGS_MODULE" in (service.get("environment") or {})
)
# Read by Django itself rather than by config/settings.
READ_BY_DJANGO = {"DJANGO_SETTINGS_MODULE"}
# Read by the C library: the worker's memory allocator (README "Policy watch", Memory).
READ_BY_GLIBC = {"MALLOC_ARENA_MAX", "MALLOC_MMAP_THRESHOLD_"}


def variables_read_by_settings() -> set[str]:
    """Every NAME in env("NAME"), env.bool("NAME"), env.db("NAME"), ... and os.environ[...] under config/."""
    names = set()
    for path in (ROOT / "config").rglob("*.py"):
        source = path.read_text()
        names.update(re.findall(r"\benv(?:\.\w+)?\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
        names.update(re.findall(r"os\.environ(?:\.get)?[\[(]\s*[\"']([A-Z][A-Z0-9_]*)[\"']", source))
    return names


def commands(service: dict) -> list[list[str]]:
    """A service's command as argv lists; `sh -c "a && b"` gives [a, b]."""
    command = service["command"]
    argv = shlex.split(command) if isinstance(command, str) else list(command)
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def test_the_production_shape_is_all_there():
    assert {"web", "worker", "beat", "postgres", "redis", "mailpit"} <= set(SERVICES)
    assert {"web", "worker", "beat"} <= set(APP_SERVICES)
    web = " ".join(SERVICES["web"]["command"].split()[:2])
    assert web == "gunicorn config.wsgi"
    assert "whitenoise.middleware.WhiteNoiseMiddleware" in importlib.import_module("config.settings.base").MIDDLEWARE


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_command_of_the_app_exists(name):
    available = get_commands()
    for argv in commands(SERVICES[name]):
        program = argv[0]
        if program == "python":
            assert argv[1] == "manage.py" and argv[2] in available, f"{name}: no manage.py command {argv[2]!r}"
        elif program == "gunicorn":
            module, _, attribute = argv[1].partition(":")
            assert hasattr(importlib.import_module(module), attribute or "application"), f"{name}: {argv[1]}"
        elif program == "celery":
            assert argv[1] == "-A"
            celery_app = importlib.import_module(argv[2]).app
            assert argv[3] in {"worker", "beat"}
            assert celery_app.main == "rightsdesk"
        else:
            pytest.fail(f"{name}: unexpected program {program!r} — teach this test to check it")


def test_the_beat_schedule_names_tasks_the_worker_knows():
    from config.celery_app import app

    app.loader.import_default_modules()  # what a worker does at start: autodiscover the apps' tasks
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks


def test_the_celery_command_line_loads_the_app():
    """`celery -A config.celery_app` as the worker and beat containers run it (here: `report`, which loads it)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    celery = Path(sys.executable).with_name("celery")
    result = subprocess.run(
        [str(celery), "-A", "config.celery_app", "report"], cwd=ROOT, capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "rightsdesk" in result.stdout or "config.celery_app" in result.stdout


@pytest.mark.parametrize("name", APP_SERVICES)
def test_every_variable_passed_to_the_app_is_read_by_the_settings(name):
    passed = set(SERVICES[name]["environment"])
    unread = passed - variables_read_by_settings() - READ_BY_DJANGO - READ_BY_GLIBC
    assert not unread, f"{name} passes variables nothing reads: {sorted(unread)}"


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_the_app_gets_what_production_needs(name):
    environment = SERVICES[name]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    # The worker sends the mail and the beat must reach the broker, so everyone gets the same connections.
    for variable in ("DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "TEAM_EMAIL", "SITE_URL"):
        assert environment.get(variable), f"{name} lacks {variable}"


def test_the_urls_point_at_the_services_of_this_file():
    environment = SERVICES["worker"]["environment"]
    database = urlsplit(environment["DATABASE_URL"])
    postgres = SERVICES["postgres"]["environment"]
    assert (database.hostname, database.username, database.password, database.path.lstrip("/")) == (
        "postgres", postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"], postgres["POSTGRES_DB"]
    )
    assert urlsplit(environment["REDIS_URL"]).hostname == "redis"
    mail = urlsplit(environment["EMAIL_URL"])
    assert (mail.scheme, mail.hostname, mail.port) == ("smtp", "mailpit", 1025)


def test_services_depend_only_on_services_that_exist():
    for name, service in SERVICES.items():
        depends = service.get("depends_on") or {}
        assert set(depends) <= set(SERVICES), name
        assert name not in depends, f"{name} depends on itself"


def test_there_is_one_beat():
    beats = [name for name in APP_SERVICES if any("beat" in argv for argv in commands(SERVICES[name]))]
    assert beats == ["beat"]
    assert "deploy" not in SERVICES["beat"] or SERVICES["beat"]["deploy"].get("replicas", 1) == 1


def test_workers_scale_out_and_beat_stays_single():
    """Horizontal scale (issue 12): workers run as several replicas (nothing pins them to one container: no
    container name, no host port), while exactly one beat schedules the sweep."""
    worker, beat = SERVICES["worker"], SERVICES["beat"]
    assert worker.get("deploy", {}).get("replicas", 1) >= 2
    assert "container_name" not in worker and "ports" not in worker
    assert beat.get("deploy", {}).get("replicas", 1) == 1
    assert "--scale worker=" in (ROOT / "docker-compose.yml").read_text()
