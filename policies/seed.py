"""Load the seed catalog (the five policies read by hand) and the statutory defaults.

Idempotent: keyed by app slug, policy checksum and statutory code, so the data migration, `catalog --load`
and tests can all call it. Takes the model classes so a data migration can pass its historical models.
"""
from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
POLICY_TEXTS_DIR = DATA_DIR / "policies"


def _models(apps=None):
    if apps is None:
        from django.apps import apps as registry

        apps = registry
    return (apps.get_model("policies", name) for name in ("App", "PolicyVersion", "Procedure", "StatutoryDefault"))


def _date(value):
    return date.fromisoformat(value) if value else None


def load_statutory_defaults(apps=None) -> int:
    *_, StatutoryDefault = _models(apps)
    rows = json.loads((DATA_DIR / "statutory_defaults.json").read_text(encoding="utf-8"))
    for row in rows:
        StatutoryDefault.objects.update_or_create(code=row["code"], defaults={k: v for k, v in row.items() if k != "code"})
    return len(rows)


def load_seed_catalog(apps=None) -> int:
    """Create the apps, their policy versions and accepted procedures; returns the number of procedures."""
    App, PolicyVersion, Procedure, _ = _models(apps)
    load_statutory_defaults(apps)
    created = 0
    has_english_note = any(field.name == "note_en" for field in Procedure._meta.get_fields())
    for entry in json.loads((DATA_DIR / "catalog.json").read_text(encoding="utf-8")):
        app, _ = App.objects.update_or_create(
            slug=entry["slug"],
            defaults={
                "name": entry["name"],
                "operator": entry.get("operator", ""),
                "website": entry.get("website", ""),
                "emails": entry.get("emails", []),
                "phones": entry.get("phones", []),
                "addresses": entry.get("addresses", []),
            },
        )
        policy = entry["policy"]
        text = (POLICY_TEXTS_DIR / policy["source_file"]).read_text(encoding="utf-8")
        # Historical models in migrations lack PolicyVersion.save(), so the checksum is computed here too.
        checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
        version, made = PolicyVersion.objects.get_or_create(
            app=app,
            checksum=checksum,
            defaults={
                "title": policy["title"],
                "published_on": _date(policy.get("published_on")),
                "effective_on": _date(policy.get("effective_on")),
                "source_name": policy["source_file"],
                "source_url": policy.get("source_url", ""),
                "source_text": text,
                "status": "accepted",
            },
        )
        if not made:
            continue
        for procedure in entry["procedures"]:
            deadline = procedure.get("deadline") or {}
            Procedure.objects.create(
                policy_version=version,
                right=procedure["right"],
                action=procedure["action"],
                channels=procedure.get("channels", []),
                deadline_min=deadline.get("min"),
                deadline_max=deadline.get("max"),
                deadline_unit=deadline.get("unit", ""),
                clock_start=procedure["clock_start"],
                hedge=procedure.get("hedge", ""),
                quote=procedure["quote"],
                note=procedure.get("note", ""),
                review_status="accepted",
                # migration 0002 seeds through the historical model, which has no English note yet (0007 adds it)
                **({"note_en": procedure.get("note_en", "")} if has_english_note else {}),
            )
            created += 1
    return created
