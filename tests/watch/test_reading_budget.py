"""Pages are read at most WATCH_READING_BYTES at a time: large ones one after another, small ones together."""
import threading

from watch.services import ByteBudget

MB = 1024 * 1024


def test_small_pages_are_read_together_and_a_page_larger_than_the_budget_alone():
    budget = ByteBudget(6 * MB)
    with budget.hold(1 * MB), budget.hold(2 * MB):
        assert budget.used == 3 * MB
    with budget.hold(50 * MB):  # larger than the budget: read alone, counted as the whole budget
        assert budget.used == 6 * MB
    assert budget.used == 0


def test_a_large_page_waits_until_the_one_being_read_is_done():
    budget = ByteBudget(6 * MB)
    order, first_holds, go_on = [], threading.Event(), threading.Event()

    def first():
        with budget.hold(4 * MB):
            first_holds.set()
            go_on.wait(10)
            order.append("first done")

    def second():
        first_holds.wait(10)
        with budget.hold(4 * MB):
            order.append("second reads")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    first_holds.wait(10)
    go_on.set()
    for t in threads:
        t.join(10)
    assert order == ["first done", "second reads"]
