"""Production settings (config/settings/production.py) pass Django's deployment checks, refuse to start without a
real secret key, serve over HTTPS only, and every page carries a Content-Security-Policy the templates keep.

The probe: `check --deploy` warned W004 (no HSTS) and W008 (no SSL redirect); there was no CSP; an empty
DJANGO_SECRET_KEY let the server start and answer 500 to everything, a short one only warned.
"""
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[1]
GOOD_KEY = secrets.token_urlsafe(50)


def production(*argv, key=GOOD_KEY, tmp_path, program=None, extra_env=None, timeout=120):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_ALLOWED_HOSTS": "rightsdesk.example",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        **(extra_env or {}),
    }
    env.pop("DJANGO_SECRET_KEY", None)
    # The browser tests set this in the test process (Playwright's event loop); production never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    command = program or [sys.executable, "manage.py"]
    return subprocess.run([*command, *argv], cwd=ROOT, capture_output=True, text=True, env=env, timeout=timeout)


def test_production_settings_pass_the_deployment_checks_with_warnings_as_failures(tmp_path):
    result = production("check", "--deploy", "--fail-level", "WARNING", tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "key, says",
    [
        (None, "missing or empty"),
        ("", "missing or empty"),
        ("   ", "missing or empty"),
        ("collectstatic-only", "too short"),
        (secrets.token_urlsafe(30), "too short"),  # 40 characters: Django's check asks for 50
        ("a" * 64, "too plain"),
    ],
    ids=["unset", "empty", "spaces", "a word", "40 characters", "one letter"],
)
def test_without_a_real_secret_key_production_refuses_to_start_in_one_line(tmp_path, key, says):
    result = production("check", key=key, tmp_path=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("ImproperlyConfigured: DJANGO_SECRET_KEY is ") and says in line
    assert "secrets.token_urlsafe(50)" in line  # says how to make one


def test_gunicorn_stops_too_instead_of_answering_500(tmp_path):
    result = production(
        "config.wsgi", "--bind", "127.0.0.1:0", "--workers", "1", key="", tmp_path=tmp_path,
        program=[str(Path(sys.executable).with_name("gunicorn"))], timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECRET_KEY is missing or empty" in result.stderr
    assert "Worker failed to boot" in result.stderr


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/admin/login/")
secure = client.get("/admin/login/", headers={"x-forwarded-proto": "https"})
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "secure": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security", ""),
    "csp": secure.get("Content-Security-Policy", ""),
    "cookies": {name: dict(morsel) for name, morsel in secure.cookies.items()},
}))
"""


def test_plain_http_is_redirected_and_https_answers_with_hsts_csp_and_secure_cookies(tmp_path):
    result = production("-c", PROBE, tmp_path=tmp_path, program=[sys.executable],
                        extra_env={"DJANGO_ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://testserver/admin/login/"]
    assert seen["secure"] == 200  # the proxy said https: no redirect loop
    assert seen["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in seen["csp"] and "upgrade-insecure-requests" in seen["csp"]
    assert seen["cookies"]["csrftoken"]["secure"] is True


# ------------------------------------------------------------------------------------------------ the CSP


@pytest.mark.django_db
def test_every_admin_page_carries_a_policy_without_inline_script_or_style(admin_client):
    response = admin_client.get(reverse("admin:rights_rightsrequest_changelist"))
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


# Pages the CSP covers must not need what it refuses: inline <script> bodies, <style> blocks, style="…" and
# on…="…" handlers, javascript: URLs. E-mail templates are read in mail clients, not under the site's CSP.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\bstyle\s*=\s*[\"']|\son[a-z]+\s*=\s*[\"']|javascript:", re.IGNORECASE
)
SERVED = sorted(
    str(path.relative_to(ROOT))
    for folder in ("templates", "rights", "policies", "accounts", "config")
    for path in (ROOT / folder).rglob("*")
    if path.suffix in (".html", ".py") and "email" not in path.parts and "migrations" not in path.parts
)


@pytest.mark.parametrize(
    "name",
    SERVED,
)
def test_no_template_or_admin_code_needs_inline_script_or_style(name):
    found = [match.group(0) for match in INLINE.finditer((ROOT / name).read_text())]
    assert not found, f"{name}: {found}"
