import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def command(transactional_db):
    """Run `manage.py complaints|requests ...` in a subprocess against the test database, with a timeout."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**{k: settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")})
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}

    def run(*args, language=None):
        extra = {"DJANGO_LANGUAGE_CODE": language} if language else {}
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                              env={**env, **extra}, timeout=120)

    return run


@pytest.fixture
def lumiere_with_address(catalog):
    """卢米埃影城's policy names its operator but no address; a case worker adds one to the catalog (as found
    in the enterprise credit register) before a regulator complaint, which needs it."""
    app = catalog["卢米埃影城"]
    app.addresses = ["北京市东城区测试路1号（测试地址）"]
    app.save(update_fields=["addresses"])
    return app


@pytest.fixture(autouse=True)
def channels(request):
    """The seeded channels and templates (the data migration loads them; transactional tests flush them)."""
    if "db" not in request.fixturenames and "transactional_db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return None
    request.getfixturevalue("transactional_db" if _transactional(request) else "db")
    from complaints.models import Channel, DraftTemplate
    from complaints.seed import load_channels, load_templates

    load_channels(Channel)
    load_templates(DraftTemplate)
    return {c.code: c for c in Channel.objects.all()}


def _transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
