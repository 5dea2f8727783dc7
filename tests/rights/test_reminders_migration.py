"""Migration 0017 keeps the ledger's rows about complaint clocks: a foreign key to complaints.ComplaintClock before,
(source "complaint", the same clock id) after, and back again when it is unapplied."""
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from complaints.models import Channel, ComplaintClock, DraftTemplate
from complaints.seed import load_channels, load_templates
from rights.models import Reminder
from rights.reminders import sweep_reminders
from tests.rights.test_reminders_complaints import WEDNESDAY, clerk, with_12300  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = ("rights", "0016_history_at_index")


@pytest.fixture(autouse=True)
def channels(transactional_db):
    # A data migration seeds them, and a transactional test before this one may have flushed them.
    load_channels(Channel)
    load_templates(DraftTemplate)


def test_the_ledgers_complaint_clock_rows_survive_the_move_to_clock_sources_both_ways(with_12300):  # noqa: F811 (fixture)
    assert sweep_reminders(now=WEDNESDAY).sent == 1
    admission = ComplaintClock.objects.get(complaint=with_12300, action="admission")
    rows = list(Reminder.objects.values_list("id", "request_id", "kind", "due", "repeat", "status"))
    assert Reminder.objects.get().source_clock_id == admission.pk

    executor = MigrationExecutor(connection)
    executor.migrate([BEFORE])
    old = executor.loader.project_state([BEFORE]).apps.get_model("rights", "Reminder")
    assert list(old.objects.values_list("complaint_clock", "clock_id")) == [(admission.pk, None)]

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert list(Reminder.objects.values_list("source", "source_clock_id", "clock_id")) == [("complaint", admission.pk, None)]
    assert list(Reminder.objects.values_list("id", "request_id", "kind", "due", "repeat", "status")) == rows
    # and it is still the same reminder to the sweep: nothing new, nothing cancelled
    again = sweep_reminders(now=WEDNESDAY)
    assert (again.recorded, again.sent, again.cancelled) == (0, 0, 0)
