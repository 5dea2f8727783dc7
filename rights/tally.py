"""The dashboard's counts at any size: a tally of requests per app, kept by PostgreSQL as the requests change.

At 1,000,000 requests every grouped COUNT of the dashboard reads hundreds of thousands of index entries (60-90 ms
each at 100k, ten times that at 1M). The tally (`RequestTally`, one row per app and key) holds the same counts,
kept by triggers on the request table the way an index is kept: whatever writes a request (the services, the
clock projection, a migration, SQL) moves its counts, in the same transaction (one grouped upsert per statement). It counts each request under:

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

from deadlines.counting import SHANGHAI

from .models import RequestTally, RightsRequest
from .states import OPEN_STATES
from .status import request_due_by_q, request_live_missed_q

NO_DAY = date(1, 1, 1)  # the day of a key that has none (state, verdict, reason)
REASON_LENGTH = 200

# The keys a request is counted under: the one definition, used by the trigger and by the recount.
KEYS = f"""
CREATE OR REPLACE FUNCTION rights_tally_day(m timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE AS $$ SELECT ((m - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai')::date $$;

CREATE OR REPLACE FUNCTION rights_tally_keys(
    app bigint, state text, assignee bigint, verdict text, reason text, due_at timestamptz, breach_at timestamptz
) RETURNS TABLE (app_id bigint, kind text, value text, day date) LANGUAGE sql IMMUTABLE AS $$
    SELECT app, 'state', state, DATE '{NO_DAY}'
    UNION ALL SELECT app, 'assignee', coalesce(assignee::text, '-') || ' ' || state, DATE '{NO_DAY}'
    UNION ALL SELECT app, 'verdict', verdict, DATE '{NO_DAY}' WHERE verdict <> ''
    UNION ALL SELECT app, 'reason', left(btrim(reason), {REASON_LENGTH}), DATE '{NO_DAY}' WHERE verdict = 'refused'
    UNION ALL SELECT app, 'due', '', rights_tally_day(due_at) WHERE due_at IS NOT NULL
    UNION ALL SELECT app, 'breach', '', rights_tally_day(breach_at) WHERE breach_at IS NOT NULL
    UNION ALL SELECT app, 'late', '', rights_tally_day(least(due_at, breach_at))
        WHERE verdict = '' AND least(due_at, breach_at) IS NOT NULL
$$;
"""

# Statement-level triggers with transition tables: one grouped upsert per statement (a COPY of a million rows
# is one; keys that did not change cancel out), in key order. A row-level trigger updated the same few tally rows
# once per request, and within one transaction each update walks the versions before it: 20,000 inserted requests
# took 49 s instead of 4.
_APPLY = """
    INSERT INTO rights_requesttally (app_id, kind, value, day, n)
    SELECT k.app_id, k.kind, k.value, k.day, sum(k.delta) FROM ({rows}) k
    GROUP BY 1, 2, 3, 4 HAVING sum(k.delta) <> 0 ORDER BY 1, 2, 3, 4
    ON CONFLICT (app_id, kind, value, day) DO UPDATE SET n = rights_requesttally.n + EXCLUDED.n;"""
_ROW_KEYS = "rights_tally_keys(r.app_id, r.state, r.assignee_id, r.verdict, r.refusal_reason, r.next_due_at, r.breach_at) t"
_NEW = f"SELECT t.*, 1 AS delta FROM new_rows r, {_ROW_KEYS}"
_OLD = f"SELECT t.*, -1 AS delta FROM old_rows r, {_ROW_KEYS}"

INSTALL = (
    KEYS
    + f"""
CREATE OR REPLACE FUNCTION rights_request_tally() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM rights_requesttally;
    ELSIF TG_OP = 'INSERT' THEN{_APPLY.format(rows=_NEW)}
    ELSIF TG_OP = 'DELETE' THEN{_APPLY.format(rows=_OLD)}
    ELSE{_APPLY.format(rows=_OLD + " UNION ALL " + _NEW)}
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER rights_request_tally_insert AFTER INSERT ON rights_rightsrequest
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rights_request_tally();
CREATE TRIGGER rights_request_tally_update AFTER UPDATE ON rights_rightsrequest
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rights_request_tally();
CREATE TRIGGER rights_request_tally_delete AFTER DELETE ON rights_rightsrequest
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rights_request_tally();
CREATE TRIGGER rights_request_tally_truncate AFTER TRUNCATE ON rights_rightsrequest
    FOR EACH STATEMENT EXECUTE FUNCTION rights_request_tally();
"""
)

UNINSTALL = """
DROP TRIGGER IF EXISTS rights_request_tally_insert ON rights_rightsrequest;
DROP TRIGGER IF EXISTS rights_request_tally_update ON rights_rightsrequest;
DROP TRIGGER IF EXISTS rights_request_tally_delete ON rights_rightsrequest;
DROP TRIGGER IF EXISTS rights_request_tally_truncate ON rights_rightsrequest;
DROP FUNCTION IF EXISTS rights_request_tally();
DROP FUNCTION IF EXISTS rights_tally_keys(bigint, text, bigint, text, text, timestamptz, timestamptz);
DROP FUNCTION IF EXISTS rights_tally_day(timestamptz);
"""

# Every count from scratch (after a bulk load with triggers off, or to check the tally).
RECOUNT = f"SELECT t.app_id, t.kind, t.value, t.day, count(*) FROM rights_rightsrequest r, {_ROW_KEYS} GROUP BY 1, 2, 3, 4"


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

