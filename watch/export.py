"""`watch export APP --git DIR`: an app's fetched versions as commits of one plain-text file, each dated with its
fetch time, so anyone can read the history with `git log -p` (as Open Terms Archive's readers do)."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.utils import timezone

from policies.models import App

from .models import PolicySnapshot


class ExportError(Exception):
    pass


def _git(directory: Path, *args: str, env: dict | None = None) -> str:
    done = subprocess.run(
        ["git", "-C", str(directory), *args], capture_output=True, text=True, env=env, check=False, timeout=60
    )
    if done.returncode != 0:
        raise ExportError(f"git {args[0]}: {' '.join(done.stderr.split())[:300]}")
    return done.stdout


def export_git(*, app: App, directory: Path) -> int:
    """Write one commit per snapshot that brought a new text, oldest first; returns how many were written.
    The directory is created (or must be empty, or a git repository this export wrote before: it starts over
    only on a new directory, so an existing history is never rewritten)."""
    directory.mkdir(parents=True, exist_ok=True)
    if not (directory / ".git").exists():
        if any(directory.iterdir()):
            raise ExportError(f"{directory} is not empty and not a git repository")
        _git(directory, "init", "-q")
    done = set(_git(directory, "log", "--format=%(trailers:key=Snapshot,valueonly)", "--all").split()) if _has_commits(directory) else set()
    snapshots = PolicySnapshot.objects.filter(source__app=app).select_related("source").order_by("fetched_at", "id")
    written, last_text = 0, {}
    for snapshot in snapshots:
        name = _file_name(snapshot)
        if last_text.get(name) == snapshot.text:
            continue
        last_text[name] = snapshot.text
        if str(snapshot.pk) in done:
            continue
        (directory / name).write_text(snapshot.text + "\n", encoding="utf-8")
        when = timezone.localtime(snapshot.fetched_at).isoformat()
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "RightsDesk policy watch",
            "GIT_AUTHOR_EMAIL": "watch@rightsdesk.invalid",
            "GIT_COMMITTER_NAME": "RightsDesk policy watch",
            "GIT_COMMITTER_EMAIL": "watch@rightsdesk.invalid",
            "GIT_AUTHOR_DATE": when,
            "GIT_COMMITTER_DATE": when,
        }
        _git(directory, "add", name, env=env)
        version = f"policy version #{snapshot.policy_version_id}" if snapshot.policy_version_id else "no policy version"
        message = f"{app.name}: {snapshot.source.url} ({version})\n\nSnapshot: {snapshot.pk}\n"
        _git(directory, "commit", "-q", "--allow-empty", "-m", message, env=env)
        written += 1
    return written


def _has_commits(directory: Path) -> bool:
    return subprocess.run(
        ["git", "-C", str(directory), "rev-parse", "-q", "--verify", "HEAD"], capture_output=True, check=False
    ).returncode == 0


def _file_name(snapshot: PolicySnapshot) -> str:
    # One file per watched URL of the app: its policy, its children's policy, its SDK list.
    return f"source-{snapshot.source_id}.txt"
