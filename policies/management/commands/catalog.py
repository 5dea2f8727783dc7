import json

from django.db.models import Prefetch
from django.utils import timezone

from config.commands import Command as BaseCommand
from policies.models import App, PolicyVersion, Procedure
from policies.seed import load_seed_catalog


class Command(BaseCommand):
    help = "Print the catalog of apps and the procedures their policies in force state."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print JSON")
        parser.add_argument("--load", action="store_true", help="load the seed catalog first (idempotent)")

    def handle(self, *args, **options):
        if options["load"]:
            created = load_seed_catalog()
            self.stderr.write(f"seed catalog loaded ({created} new procedures)")
        # The version in force today, as App.policy_in_force() picks it: not a version that takes effect later,
        # and an undated version does not win over a dated one (PostgreSQL sorts NULL first in "-effective_on").
        apps = App.objects.prefetch_related(
            Prefetch("policy_versions", queryset=PolicyVersion.objects.in_force(timezone.localdate()), to_attr="versions_in_force"),
            Prefetch("versions_in_force__procedures", queryset=Procedure.objects.accepted()),
        )
        catalog = []
        for app in apps:
            version = next(iter(app.versions_in_force), None)
            catalog.append(
                {
                    "name": app.name,
                    "operator": app.operator,
                    "website": app.website,
                    "emails": app.emails,
                    "phones": app.phones,
                    "policy": version
                    and {
                        "title": version.title,
                        "published_on": version.published_on and version.published_on.isoformat(),
                        "effective_on": version.effective_on and version.effective_on.isoformat(),
                        "source": version.source_url or version.source_name,
                    },
                    "procedures": [p.as_dict() for p in version.procedures.all()] if version else [],
                }
            )
        if options["json"]:
            self.stdout.write(json.dumps(catalog, ensure_ascii=False, indent=2))
            return
        for app in catalog:
            self.stdout.write(f"{app['name']} ({app['operator']})")
            for p in app["procedures"]:
                eff = p["effective_deadline"]
                due = f"{eff['min']}-{eff['max']} {eff['unit']} ({eff['source']})" if eff else "no deadline"
                self.stdout.write(f"  {p['right']:<22} {p['action']:<10} {due}")
