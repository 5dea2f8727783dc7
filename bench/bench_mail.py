"""Time `mail ingest`'s path (correspondence.ingest.ingest_message) on PostgreSQL.

    .venv/bin/python bench/bench_mail.py [--messages 1000] [--keep]

Creates a throwaway database `rightsdesk_bench_mail` on PostgreSQL at 127.0.0.1:5432 (override with
BENCH_DATABASE_URL), migrates it, loads the seed catalog, files 50 requests and records a sent letter for each
(locmem backend: no network), then ingests N messages, a mix of replies to the token address (40 %), replies by
In-Reply-To (20 %), auto-replies (20 %) and unmatched mail (20 %), each its own transaction as the pipe runs it.
Then a 10 MB message with five attachments (and the 14 MB one measured before), each ingested three times by a
fresh process as `mail ingest` would (`--one FILE`: Django set up, the file read, one ingest), timed around the
ingest, with that process's peak resident memory (VmHWM: Django, the message and the ingest). Targets
(issue 22): 1,000 messages <= 30 s; the 10 MB message <= 2 s and < 200 MB peak.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/rightsdesk_bench_mail")
from bench_sweep import recreate_database  # sets DATABASE_URL and the settings


def ingest_one(path: str) -> None:
    """`--one FILE`: what `mail ingest < FILE` does, timed around the ingest; prints JSON."""
    import django

    django.setup()
    from correspondence.ingest import ingest_message
    from tests.factories import shanghai

    raw = Path(path).read_bytes()
    start = time.perf_counter()
    result = ingest_message(raw, now=shanghai(2026, 11, 11, 15))
    elapsed = time.perf_counter() - start
    # VmHWM, the peak of this program's memory: ru_maxrss would include the parent's, as Linux keeps it across the
    # fork and exec that started this process.
    status = Path("/proc/self/status").read_text()
    peak = int(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:"))) / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak, "attachments": result.mail.attachments.count()}))


def big_message(to: str, attachment_bytes: int, number: int) -> bytes:
    from email.message import EmailMessage

    big = EmailMessage()
    big["From"] = "min.jiang@cmgplex.com"
    big["To"] = to
    big["Subject"] = "附件"
    big["Message-ID"] = f"<bench-big-{attachment_bytes}-{number}@cmgplex.com>"
    big.set_content("见附件")
    for n in range(5):
        big.add_attachment(b"%PDF-1.4\n" + os.urandom(attachment_bytes), maintype="application", subtype="pdf",
                           filename=f"回执{n}.pdf")  # fmt: skip
    return big.as_bytes()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        return ingest_one(args.one)
    url = os.environ["BENCH_DATABASE_URL"]
    recreate_database(url)
    import django

    django.setup()
    from email.message import EmailMessage

    from django.core.management import call_command

    from correspondence.ingest import ingest_message
    from correspondence.sending import send_letter
    from correspondence.tokens import reply_address
    from policies.models import App
    from policies.seed import load_seed_catalog
    from rights.services import file_request
    from tests.factories import shanghai

    call_command("migrate", verbosity=0)
    load_seed_catalog()
    app = App.objects.get(name="卢米埃影城")
    filed, sent_at = shanghai(2026, 11, 10, 9), shanghai(2026, 11, 10, 10)
    letters = []
    for n in range(50):
        request = file_request(app=app, right="account_cancellation", requester_name=f"申请人{n}", at=filed, now=filed,
                               submit=False)  # fmt: skip
        letters.append(send_letter(request=request, now=sent_at))

    def build(i: int) -> bytes:
        letter = letters[i % len(letters)]
        mail = EmailMessage()
        mail["From"] = "客服 <min.jiang@cmgplex.com>"
        mail["Subject"] = f"Re: {letter.subject}"
        mail["Message-ID"] = f"<bench-{i}@cmgplex.com>"
        mail["Date"] = "Wed, 11 Nov 2026 15:00:00 +0800"
        kind = i % 5
        mail["To"] = reply_address(letter.request_id) if kind in (0, 1, 3) else "desk@example.org"
        if kind == 2:
            mail["In-Reply-To"] = letter.message_id
        if kind == 3:
            mail["Auto-Submitted"] = "auto-replied"
        mail.set_content("您好，您的注销申请已受理，我们将在7个工作日内处理。" * 5)
        return mail.as_bytes()

    messages = [build(i) for i in range(args.messages)]
    arrived = shanghai(2026, 11, 11, 15)
    start = time.perf_counter()
    kinds = {}
    for raw in messages:
        kind = ingest_message(raw, now=arrived).as_dict()["kind"]
        kinds[kind] = kinds.get(kind, 0) + 1
    elapsed = time.perf_counter() - start
    print(f"{args.messages} messages ingested in {elapsed:.1f} s ({kinds}); target <= 30 s")

    for label, attachment_bytes in (("10 MB", 1450 * 1024), ("14 MB", 2 * 1024 * 1024)):
        runs = []
        for number in range(3):
            raw = big_message(reply_address(letters[0].request_id), attachment_bytes, number)
            with tempfile.NamedTemporaryFile(suffix=".eml") as eml:
                eml.write(raw)
                eml.flush()
                out = subprocess.run([sys.executable, __file__, "--one", eml.name], capture_output=True, text=True,
                                     check=True)  # fmt: skip
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"{label} message ({len(raw) / 1e6:.1f} MB, {runs[0]['attachments']} attachments) ingested in "
              + ", ".join(f"{r['seconds']:.2f}" for r in runs) + " s; the process peaks at "
              + ", ".join(f"{r['peak_mb']:.0f}" for r in runs) + " MB resident; targets <= 2 s, < 200 MB")  # fmt: skip
    if not args.keep:
        from django.db import connections

        connections.close_all()
        recreate_database(url, drop_only=True)


if __name__ == "__main__":
    main()
