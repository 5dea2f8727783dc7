"""A real HTTP server on 127.0.0.1 (http.server in a thread) that the watch fetches from, and an app whose policy
in force is tests/watch/policy.txt as the importer read it."""
from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest


def needs(missing: bool, reason: str):
    """Skip when a tool is missing, except with CI=true, where the test runs (and fails)."""
    return pytest.mark.skipif(missing and os.environ.get("CI") != "true", reason=reason)


POLICY = (Path(__file__).parent / "policy.txt").read_text(encoding="utf-8")
# A Monday morning in Shanghai, after the policy's effective date (2026-01-10).
NOW = datetime(2026, 12, 7, 11, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def page(text: str = POLICY, charset: str = "utf-8") -> bytes:
    """The policy as a site serves it: navigation and a footer around the text, one paragraph per line."""
    lines = text.strip().split("\n")
    html = (
        f'<!doctype html><html><head><meta charset="{charset}"><title>隐私政策</title></head><body>'
        '<nav><a href="/">首页</a> <a href="/about">关于我们</a> <a href="/jobs">加入我们</a></nav>'
        f"<article><h1>{lines[0]}</h1>" + "".join(f"<p>{line}</p>" for line in lines[1:]) + "</article>"
        "<footer>2026 示例公司 版权所有 京ICP备00000000号</footer></body></html>"
    )
    return html.encode(charset)


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering (a slow server)
    declare_length: bool = True  # False: no Content-Length, the body ends when the server closes


@dataclass
class Hit:
    path: str
    headers: dict


class Site:
    """Routes path -> Answer (or a function of the request's headers returning one); records every request."""

    def __init__(self):
        self.routes: dict = {}
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                headers = {k.lower(): v for k, v in self.headers.items()}
                with site.lock:
                    site.hits.append(Hit(self.path, headers))
                route = site.routes.get(self.path)
                answer = route(headers) if callable(route) else route or Answer(404, b"not found")
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    if not answer.declare_length:
                        self.send_header("Connection", "close")
                        self.close_connection = True
                    elif "Content-Length" not in answer.headers:
                        self.send_header("Content-Length", str(len(answer.body)))
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout, a size cap)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits_of(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path == path]


@pytest.fixture
def site():
    s = Site()
    thread = threading.Thread(target=s.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield s
    s.server.shutdown()
    s.server.server_close()


def accepted_app(text: str = POLICY):
    """An app whose policy in force is `text`, its procedures as the importer proposed them, accepted."""
    from policies.importer.store import (
        accept_policy_version,
        import_policy_version,
        review_procedure,
    )
    from policies.models import ReviewStatus

    version = import_policy_version(text=text)
    for procedure in version.procedures.all():
        review_procedure(procedure=procedure, status=ReviewStatus.ACCEPTED)
    accept_policy_version(version=version)
    return version.app


@pytest.fixture
def app(db):
    return accepted_app()


@pytest.fixture
def watch_source(app, site):
    """The app's policy page, watched."""
    from watch.services import add_source

    def make(path="/privacy", answer=None):
        if answer is not None:
            site.routes[path] = answer
        return add_source(app=app, url=site.url(path), now=NOW)

    return make


@pytest.fixture(autouse=True)
def _english():
    """Errors are stored as the desk words them in its language; the tests assert them in English, the source."""
    from django.utils import translation

    with translation.override("en"):
        yield
