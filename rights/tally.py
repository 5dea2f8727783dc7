"""The dashboard's counts at any size: a tally of requests per app, kept by PostgreSQL as the requests change.

At 1,000,000 requests every grouped COUNT of the dashboard reads hundreds of thousands of index entries (60-90 ms
each at 100k, ten times that at 1M). The tally (`RequestTally`, one row per app and key) holds the same counts,
kept by a trigger on the request table the way an index is kept: whatever writes a request (the services, the
clock projection, a migration, SQL) moves its counts, in the same transaction. It counts each request under:

- `state`: its state; `assignee`: its assignee and state (the home queue's "mine" and "unassigned");
- `verdict`: its projected verdict so far; `reason`: a refused request's reason (its first 200 characters);
- `due`, `breach`, `late`: the day of the moment its nearest running deadline passes (`next_due_at`), of its
  first moment past the statute (`breach_at`), and, while no verdict is settled, of the earlier of the two.

A moment m belongs to the day whose 24:00 it is at most (the day of m - 1 µs in Asia/Shanghai; a last day's
deadline moment belongs to that last day). So "at or before now" is every day before today, plus the moments of
today up to now, read from the request indexes (one day's range). The conditions stay rights.status's
(request_overdue_q, request_due_by_q, request_breach_q, request_live_missed_q); a test checks the tally gives
the same counts as those filters at many moments. SQLite (small by nature) has no tally: the dashboard counts
directly there.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Q, Sum

from policies.deadlines import SHANGHAI

from .status import request_due_by_q, request_live_missed_q

NO_DAY = date(1, 1, 1)  # the day of a key that has none (state, verdict, reason)
REASON_LENGTH = 200

INSTALL = f"""
CREATE OR REPLACE FUNCTION rights_tally_day(m timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$ SELECT ((m - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date $$;

CREATE OR REPLACE FUNCTION rights_tally_bump(a bigint, k text, v text, d date, delta integer) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO rights_requesttally (app_id, kind, value, day, n) VALUES (a, k, v, d, delta)
    ON CONFLICT (app_id, kind, value, day) DO UPDATE SET n = rights_requesttally.n + EXCLUDED.n
$$;

CREATE OR REPLACE FUNCTION rights_tally_row(r rights_rightsrequest, delta integer) RETURNS void
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM rights_tally_bump(r.app_id, 'state', r.state, DATE '{NO_DAY}', delta);
    PERFORM rights_tally_bump(r.app_id, 'assignee', coalesce(r.assignee_id::text, '-') || ' ' || r.state, DATE '{NO_DAY}', delta);
    IF r.verdict <> '' THEN
        PERFORM rights_tally_bump(r.app_id, 'verdict', r.verdict, DATE '{NO_DAY}', delta);
    END IF;
    IF r.verdict = 'refused' THEN
        PERFORM rights_tally_bump(r.app_id, 'reason', left(btrim(r.refusal_reason), {REASON_LENGTH}), DATE '{NO_DAY}', delta);
    END IF;
    IF r.next_due_at IS NOT NULL THEN
        PERFORM rights_tally_bump(r.app_id, 'due', '', rights_tally_day(r.next_due_at), delta);
    END IF;
    IF r.breach_at IS NOT NULL THEN
        PERFORM rights_tally_bump(r.app_id, 'breach', '', rights_tally_day(r.breach_at), delta);
    END IF;
    IF r.verdict = '' AND least(r.next_due_at, r.breach_at) IS NOT NULL THEN
        PERFORM rights_tally_bump(r.app_id, 'late', '', rights_tally_day(least(r.next_due_at, r.breach_at)), delta);
    END IF;
END $$;

CREATE OR REPLACE FUNCTION rights_request_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM rights_requesttally;
        RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM rights_tally_row(OLD, -1);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM rights_tally_row(NEW, 1);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rights_request_tally_insert_delete AFTER INSERT OR DELETE ON rights_rightsrequest
    FOR EACH ROW EXECUTE FUNCTION rights_request_tally();
CREATE TRIGGER rights_request_tally_update AFTER UPDATE ON rights_rightsrequest FOR EACH ROW
    WHEN ((OLD.app_id, OLD.state, OLD.assignee_id, OLD.verdict, OLD.refusal_reason, OLD.next_due_at, OLD.breach_at)
          IS DISTINCT FROM
          (NEW.app_id, NEW.state, NEW.assignee_id, NEW.verdict, NEW.refusal_reason, NEW.next_due_at, NEW.breach_at))
    EXECUTE FUNCTION rights_request_tally();
CREATE TRIGGER rights_request_tally_truncate AFTER TRUNCATE ON rights_rightsrequest
    FOR EACH STATEMENT EXECUTE FUNCTION rights_request_tally();
"""

UNINSTALL = """
DROP TRIGGER IF EXISTS rights_request_tally_insert_delete ON rights_rightsrequest;
DROP TRIGGER IF EXISTS rights_request_tally_update ON rights_rightsrequest;
DROP TRIGGER IF EXISTS rights_request_tally_truncate ON rights_rightsrequest;
DROP FUNCTION IF EXISTS rights_request_tally();
DROP FUNCTION IF EXISTS rights_tally_row(rights_rightsrequest, integer);
DROP FUNCTION IF EXISTS rights_tally_bump(bigint, text, text, date, integer);
DROP FUNCTION IF EXISTS rights_tally_day(timestamptz);
"""

# Every count from scratch (after a bulk load with triggers off, or to check the tally).
RECOUNT = f"""
SELECT app_id, 'state', state, DATE '{NO_DAY}', count(*) FROM rights_rightsrequest GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'assignee', coalesce(assignee_id::text, '-') || ' ' || state, DATE '{NO_DAY}', count(*)
    FROM rights_rightsrequest GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'verdict', verdict, DATE '{NO_DAY}', count(*) FROM rights_rightsrequest
    WHERE verdict <> '' GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'reason', left(btrim(refusal_reason), {REASON_LENGTH}), DATE '{NO_DAY}', count(*)
    FROM rights_rightsrequest WHERE verdict = 'refused' GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'due', '', rights_tally_day(next_due_at), count(*) FROM rights_rightsrequest
    WHERE next_due_at IS NOT NULL GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'breach', '', rights_tally_day(breach_at), count(*) FROM rights_rightsrequest
    WHERE breach_at IS NOT NULL GROUP BY 1, 2, 3, 4
UNION ALL SELECT app_id, 'late', '', rights_tally_day(least(next_due_at, breach_at)), count(*) FROM rights_rightsrequest
    WHERE verdict = '' AND least(next_due_at, breach_at) IS NOT NULL GROUP BY 1, 2, 3, 4
"""


def available(using=None) -> bool:
    return (using or connection).vendor == "postgresql"


def figures(now: datetime, today: date):
    """The dashboard's counts: from the tally on PostgreSQL, counted directly elsewhere."""
    return Figures(now, today) if available() else Direct(now, today)


def rebuild(cursor) -> None:
    """Recount the tally from the requests (PostgreSQL)."""
    cursor.execute("DELETE FROM rights_requesttally")
    cursor.execute(f"INSERT INTO rights_requesttally (app_id, kind, value, day, n) {RECOUNT}")


def differences(cursor) -> list[tuple]:
    """Keys where the tally and a recount disagree (empty when they agree)."""
    cursor.execute(
        f"WITH fresh(app_id, kind, value, day, n) AS ({RECOUNT}), "
        "kept AS (SELECT app_id, kind, value, day, n FROM rights_requesttally WHERE n <> 0) "
        "SELECT * FROM ((SELECT * FROM fresh EXCEPT SELECT * FROM kept) UNION ALL "
        "(SELECT * FROM kept EXCEPT SELECT * FROM fresh)) d ORDER BY 1, 2, 3, 4"
    )
    return cursor.fetchall()


def start_of_day(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def per_app(requests) -> Counter:
    return Counter(dict(requests.values_list("app_id").annotate(n=Count("pk")).order_by()))


class Direct:
    """The dashboard's counts at `now`, counted from the requests with rights.status's request filters: the
    definition the tally must agree with, and what SQLite uses."""

    def __init__(self, now: datetime, today: date):
        from .models import RightsRequest

        self.now, self.today = now, today
        self.requests = RightsRequest.objects.all()

    def by_state(self) -> list[tuple[str, int, int]]:
        return list(self.requests.values_list("state", "app_id").annotate(n=Count("pk")).order_by())

    def open_assigned(self, user_id: int | None) -> int:
        """Open requests assigned to `user_id` (None: to nobody)."""
        return self.requests.open().filter(assignee_id=user_id).count()

    def overdue(self) -> Counter:
        return per_app(self.requests.overdue(self.now))

    def breach(self) -> Counter:
        return per_app(self.requests.statutory_breach(self.now))

    def late(self) -> Counter:
        return per_app(self.requests.filter(request_live_missed_q(self.now), verdict=""))

    def due_by(self, last_day: date) -> int:
        return self.requests.due_by(last_day, self.now).count()

    def verdicts(self) -> dict[int, Counter]:
        verdicts: dict[int, Counter] = defaultdict(Counter)
        for app_id, verdict, n in self.requests.exclude(verdict="").values_list("app_id", "verdict").annotate(n=Count("pk")).order_by():
            verdicts[app_id][verdict] += n
        return verdicts

    def reasons(self) -> list[tuple[int, str, int]]:
        refused = self.requests.filter(verdict="refused").values_list("app_id", "refusal_reason").annotate(n=Count("pk"))
        return [(app_id, reason.strip()[:REASON_LENGTH], n) for app_id, reason, n in refused.order_by()]


class Figures(Direct):
    """The dashboard's counts at `now`, from the tally plus today's moments up to now."""

    def __init__(self, now: datetime, today: date):
        from .models import RequestTally, RightsRequest

        self.now, self.today = now, today
        self.midnight = start_of_day(today)  # moments after it and up to now are today's
        rows = RequestTally.objects.exclude(n=0)
        self.keyed: dict[str, dict[tuple, int]] = defaultdict(dict)
        self.apps = set()
        for app_id, kind, value, n in rows.filter(day=NO_DAY).values_list("app_id", "kind", "value", "n"):
            self.keyed[kind][app_id, value] = n
            self.apps.add(app_id)
        past = rows.filter(kind__in=("due", "breach", "late"), day__lt=today).values_list("app_id", "kind").annotate(total=Sum("n"))
        self.before_today: dict[str, Counter] = defaultdict(Counter)
        for app_id, kind, total in past.order_by():
            self.before_today[kind][app_id] += total
        self.requests = RightsRequest.objects.all()

    def _today_up_to_now(self, condition: Q) -> Counter:
        return per_app(self.requests.filter(condition))

    def by_state(self) -> list[tuple[str, int, int]]:
        return [(state, app_id, n) for (app_id, state), n in self.keyed["state"].items()]

    def open_assigned(self, user_id: int | None) -> int:
        from .states import OPEN_STATES

        who = "-" if user_id is None else str(user_id)
        return sum(self.keyed["assignee"].get((app_id, f"{who} {state}"), 0) for app_id in self.apps for state in OPEN_STATES)

    def overdue(self) -> Counter:
        """request_overdue_q per app: due days before today, and today's moments up to now."""
        return self.before_today["due"] + self._today_up_to_now(Q(next_due_at__gt=self.midnight, next_due_at__lte=self.now))

    def breach(self) -> Counter:
        return self.before_today["breach"] + self._today_up_to_now(Q(breach_at__gt=self.midnight, breach_at__lte=self.now))

    def late(self) -> Counter:
        """request_live_missed_q among requests with no settled verdict, per app."""
        today = Q(next_due_at__gt=self.midnight, next_due_at__lte=self.now) | Q(breach_at__gt=self.midnight, breach_at__lte=self.now)
        earlier = Q(next_due_at__lte=self.midnight) | Q(breach_at__lte=self.midnight)
        return self.before_today["late"] + per_app(self.requests.filter(today, verdict="").exclude(earlier))

    def due_by(self, last_day: date) -> int:
        """request_due_by_q: the later days up to `last_day` from the tally, today's from the requests."""
        from .models import RequestTally

        later = RequestTally.objects.filter(kind="due", day__gt=self.today, day__lte=last_day).aggregate(n=Sum("n"))["n"] or 0
        tomorrow = start_of_day(self.today + timedelta(days=1))
        return later + self.requests.filter(request_due_by_q(last_day, self.now), next_due_at__lte=tomorrow).count()

    def verdicts(self) -> dict[int, Counter]:
        verdicts: dict[int, Counter] = defaultdict(Counter)
        for (app_id, verdict), n in self.keyed["verdict"].items():
            verdicts[app_id][verdict] += n
        return verdicts

    def reasons(self) -> list[tuple[int, str, int]]:
        return [(app_id, reason, n) for (app_id, reason), n in self.keyed["reason"].items()]

