"""What a request of some right is held to under the policy in force: its promises, each a procedure's or a
statutory default's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .catalog import App, EffectiveDeadline, Procedure, StatutoryDefault
from .choices import Action, Right


@dataclass(frozen=True)
class Promise:
    """One obligation a request of some right is held to: a procedure's promise or a statutory default."""

    procedure: Procedure | None
    action: str
    deadline: EffectiveDeadline
    cap: StatutoryDefault | None  # the statutory limit the last day is checked against

    @property
    def clock_start(self) -> str:
        return self.deadline.clock_start


def promises_for(app: App, right: str, on: date) -> list[Promise]:
    """What a request of `right` against `app` is held to, under the policy version in force on `on`.

    The right's own procedures come first; "any request" procedures fill actions the right's own leave open.
    A procedure without a deadline is held to the statutory default. Where the policy states nothing for
    completion (or nothing at all), the statutory default for that action applies on its own.
    """
    version = app.policy_in_force(on)
    procedures = list(version.procedures.accepted()) if version else []
    own = [p for p in procedures if p.right == right]
    own_actions = {p.action for p in own}
    chosen = own + [p for p in procedures if p.right == Right.ANY_REQUEST and p.action not in own_actions]

    promises, seen = [], set()
    for procedure in chosen:
        cap = StatutoryDefault.governing(right, procedure.action)
        effective = procedure.effective_deadline(cap)
        if effective is None:
            continue
        key = (procedure.action, effective.min, effective.max, effective.unit, effective.clock_start)
        if key in seen:  # several self-service paths held to the same default are one obligation
            continue
        seen.add(key)
        promises.append(Promise(procedure, procedure.action, effective, cap))

    actions = {p.action for p in promises}
    for action in (Action.COMPLETION, Action.REPLY):
        if action in actions or (action == Action.REPLY and Action.COMPLETION in actions):
            continue  # a promised completion answers the request; no separate statutory reply clock
        default = StatutoryDefault.governing(right, action)
        if default is not None:
            promises.append(
                Promise(
                    None,
                    action,
                    EffectiveDeadline(
                        default.amount, default.amount, default.unit, default.clock_start, default, False
                    ),
                    default,
                )
            )
            actions.add(action)
    return promises
