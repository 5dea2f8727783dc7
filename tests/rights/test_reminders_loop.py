"""`manage.py reminder_loop`, as bin/up runs it without a broker: one line per sweep, and Ctrl-C (or the SIGTERM
bin/up sends on exit) stops it quietly."""
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]


def start_loop():
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{settings_dict['NAME']}"
    else:
        url = "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(**{k: settings_dict[k] or "" for k in ("USER", "HOST", "PORT", "NAME")})
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url,
           "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "manage.py", "reminder_loop", "--interval", "60"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def readline(process, timeout: float = 60) -> str:
    """One line of the process's output, or a failure after `timeout` seconds (never a hung test)."""
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return process.stdout.readline()


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
@pytest.mark.parametrize("run", range(3))
def test_the_loop_logs_one_line_per_sweep_and_stops_quietly_on_every_signal(catalog, stop, run):
    loop = start_loop()
    try:
        first = readline(loop)
        assert " reminders: recorded 0, sent 0 in 0 digest(s), failed 0, cancelled 0" in first
        loop.send_signal(stop)
        out, err = loop.communicate(timeout=20)
    finally:
        if loop.poll() is None:
            loop.kill()
    assert loop.returncode == 0
    assert out.strip() == "reminder loop stopped"
    assert "Traceback" not in err
