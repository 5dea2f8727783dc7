"""50 staff users at once on the admin (bench/load/run.py starts gunicorn and this scenario; see bench/README.md
"Load"). Each user signs in as one of the case workers bench-0 ... bench-49 and, weighted like a desk day:
lists requests (plain, a filter, a search, page 50), opens a case, downloads a case file (the ZIP), files a
request through the add form and moves the requests it filed through the transition buttons (acknowledge,
complete, confirm).

Every write is counted only when the page says it was recorded (the "success" message after the redirect); a
refusal or a conflict is a failure in locust's statistics. At the end the counts go to LOAD_COUNTS (JSON), which
run.py compares with the history rows written during the run: none lost, none doubled.
"""

from __future__ import annotations

import json
import os
import random
import re
import threading
from collections import Counter
from datetime import datetime, timedelta, timezone

from locust import HttpUser, between, events, task

USERS = int(os.environ.get("LOAD_STAFF", "50"))
PASSWORD = os.environ.get("LOAD_PASSWORD", "load-pass")
MAX_ID = int(os.environ.get("LOAD_MAX_ID", "100000"))
APPS = [int(pk) for pk in os.environ.get("LOAD_APPS", "1").split(",")]
COUNTS_FILE = os.environ.get("LOAD_COUNTS", "var/load/counts.json")
SHANGHAI = timezone(timedelta(hours=8))
NEXT = {"submitted": ("acknowledge", "in_progress"), "in_progress": ("complete", "completed"),
        "completed": ("confirm", "confirmed")}  # fmt: skip
BASE = "/admin/rights/rightsrequest/"
CHANGE = re.compile(r"/admin/rights/rightsrequest/(\d+)/change/")

counted: Counter = Counter()
lock = threading.Lock()
seat = iter(range(10**6))


def count(key: str) -> None:
    with lock:
        counted[key] += 1


@events.test_stop.add_listener
def write_counts(environment, **kwargs):
    os.makedirs(os.path.dirname(COUNTS_FILE) or ".", exist_ok=True)
    with open(COUNTS_FILE, "w", encoding="utf-8") as handle:
        json.dump(dict(counted), handle, sort_keys=True)


class Staff(HttpUser):
    # A person reads a page before the next click: 2-6 s by default (LOAD_WAIT="2,6").
    wait_time = between(*(float(part) for part in os.environ.get("LOAD_WAIT", "2,6").split(",")))

    def on_start(self):
        with lock:
            number = next(seat) % USERS
        self.username = f"bench-{number}"
        self.mine: list[tuple[int, str]] = []  # requests this user filed, with the state it last saw
        self.client.get("/admin/login/", name="sign in (form)")
        response = self.client.post(
            "/admin/login/?next=/admin/",
            data={"username": self.username, "password": PASSWORD, "next": "/admin/",
                  "csrfmiddlewaretoken": self.client.cookies.get("csrftoken", "")},
            name="sign in", allow_redirects=False,
        )  # fmt: skip
        if response.status_code != 302:
            raise RuntimeError(f"{self.username} could not sign in: HTTP {response.status_code}")

    def post(self, url: str, data: dict, name: str, *, redirect: re.Pattern = CHANGE) -> str | None:
        """POST a form as the page would; the URL it redirects to, or None (a failure in the statistics)."""
        data = {"csrfmiddlewaretoken": self.client.cookies.get("csrftoken", ""), **data}
        with self.client.post(url, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            location = response.headers.get("Location", "")
            if response.status_code == 302 and redirect.search(location):
                return location
            errors = re.findall(r'class="errorlist[^"]*"><li>([^<]*)', response.text) or [""]
            response.failure(f"HTTP {response.status_code} {errors[0]}")
            return None

    def recorded(self, url: str, name: str) -> bool:
        """Open the page a write redirected to; True when it says the write was recorded."""
        with self.client.get(url, name=name, catch_response=True) as page:
            if 'class="success"' in page.text:
                page.success()
                return True
            page.failure("the write was not recorded: " + (re.findall(r'class="error">([^<]*)', page.text) or ["?"])[0])
            return False

    @task(6)
    def list_requests(self):
        url, name = random.choice([
            (BASE, "list"), (BASE + "?deadline=overdue", "list, filter overdue"),
            (BASE + "?state__exact=in_progress", "list, filter state"), (BASE + "?p=50", "list, page 50"),
            (BASE + "?q=" + random.choice(["王", "qq.com", "注销", "#" + str(random.randint(1, MAX_ID))]), "list, search"),
        ])  # fmt: skip
        self.client.get(url, name=name)

    @task(5)
    def open_case(self):
        self.client.get(f"{BASE}{random.randint(1, MAX_ID)}/change/", name="case page")

    @task(1)
    def download_case_file(self):
        pk = random.choice([pk for pk, _ in self.mine] or [random.randint(1, MAX_ID)])
        with self.client.get(f"/admin/complaints/complaint/casefile/{pk}/zip/", name="case file ZIP",
                             catch_response=True) as response:  # fmt: skip
            if response.headers.get("Content-Type") != "application/zip":
                response.failure(f"not a ZIP: {response.headers.get('Content-Type')}")

    @task(2)
    def file_request(self):
        sent = datetime.now(SHANGHAI) - timedelta(minutes=1)
        location = self.post(BASE + "add/", {
            "app": random.choice(APPS), "right": "account_cancellation", "requester_name": f"压测{random.randint(1, 10**6)}",
            "requester_contact": f"138{random.randint(0, 10**8 - 1):08d}", "sent_at": f"{sent:%Y-%m-%d %H:%M}",
            "channel_used": "人工客服", "notes": "load test",
        }, name="file (POST)")  # fmt: skip
        if location is None:
            return
        found = CHANGE.search(location)
        if self.recorded(found.group(0), "case page (after a write)"):
            count("file")
            self.mine.append((int(found.group(1)), "submitted"))

    @task(4)
    def move(self):
        movable = [i for i, (_, state) in enumerate(self.mine) if state in NEXT]
        if not movable:
            return self.file_request()
        index = random.choice(movable)
        pk, state = self.mine[index]
        event, target = NEXT[state]
        location = self.post(f"{BASE}{pk}/transition/{event}/", {f"{event}-expected_state": state},
                             name=f"move: {event} (POST)")  # fmt: skip
        if location is not None and self.recorded(CHANGE.search(location).group(0), "case page (after a write)"):
            count(event)
            self.mine[index] = (pk, target)
