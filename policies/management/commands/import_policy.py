import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from config.commands import Command as BaseCommand
from policies.importer import ImporterError
from policies.importer.extract import extract
from policies.importer.reading import read_limited, read_policy
from policies.importer.store import import_policy_version


class Command(BaseCommand):
    help = (
        "Read a privacy policy (UTF-8 or GB18030 text, or HTML) and propose its procedures: each right's "
        "paths, channels, deadline, clock start and hedge, quoted from the text. Stores a draft policy "
        "version awaiting review, unless --dry-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the policy file, or - for standard input")
        parser.add_argument("--app", default="", help="the app's name or slug (default: the name the policy gives)")
        parser.add_argument("--dry-run", action="store_true", help="extract and print; store nothing")
        parser.add_argument("--json", action="store_true", help="print the extraction as JSON")

    def handle(self, *args, **options):
        source_name, data = self._read_bytes(options["file"])
        try:
            text = read_policy(data, source_name=source_name)
            extraction = extract(text)
            if options["app"]:
                extraction.app = options["app"]
            version = None
            if not options["dry_run"] and not extraction.app:
                raise CommandError("the policy does not say which app it is for; name it with --app NAME", returncode=2)
            if not options["dry_run"]:
                version = import_policy_version(
                    text=text, app_name=options["app"], source_name=source_name, extraction=extraction
                )
        except ImporterError as e:
            raise CommandError(str(e), returncode=2) from None

        if options["json"]:
            self.stdout.write(json.dumps(extraction.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print_summary(extraction)
        if version is not None:
            # With --json, stdout stays pure JSON; the outcome goes to stderr.
            out = self.stderr if options["json"] else self.stdout
            out.write(
                f"Stored draft version #{version.pk} of {version.app.name} with "
                f"{version.procedures.count()} procedures awaiting review."
            )

    def _read_bytes(self, file: str) -> tuple[str, bytes]:
        """The file's bytes, read in chunks up to the size limit (a device such as /dev/zero reports size 0:
        the size is never taken from the file system)."""
        if file == "-":
            try:
                return "<stdin>", read_limited(sys.stdin.buffer, source_name="<stdin>")
            except ImporterError as e:
                raise CommandError(str(e), returncode=2) from None
        path = Path(file)
        try:
            if path.is_dir():
                raise CommandError(f"{file} is a directory, not a policy file", returncode=2)
            with path.open("rb") as stream:
                return path.name, read_limited(stream, source_name=file)
        except ImporterError as e:
            raise CommandError(str(e), returncode=2) from None
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file", returncode=2) from None
        except PermissionError:
            raise CommandError(f"{file}: permission denied", returncode=2) from None
        except OSError as e:
            raise CommandError(f"{file}: {e.strerror or e}", returncode=2) from None

    def _print_summary(self, extraction):
        d = extraction.as_dict()
        self.stdout.write(f"{d['app'] or '?'} ({d['operator'] or '?'})")
        self.stdout.write(f"  published {d['published_on'] or '?'}, effective {d['effective_on'] or '?'}")
        contacts = d["contacts"]["emails"] + d["contacts"]["phones"]
        if contacts:
            self.stdout.write(f"  contacts: {', '.join(contacts)}")
        if not d["procedures"]:
            self.stdout.write("  no procedures found")
        for p in d["procedures"]:
            deadline = p["deadline"]
            if deadline:
                amount = deadline["min"] if deadline["min"] == deadline["max"] else f"{deadline['min']}-{deadline['max']}"
                promise = f"{amount} {deadline['unit']} from {p['clock_start']}" + (f" ({p['hedge']})" if p["hedge"] else "")
            else:
                promise = "no deadline"
            self.stdout.write(f"  {p['right']:<22} {p['action']:<10} {promise}")
            for path in p["paths"]:
                self.stdout.write(f"    path: {path}")
            self.stdout.write(f"    「{p['quote'][:120]}」")
