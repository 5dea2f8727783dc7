"""What the extractor proposes: each procedure with its quote, facts, rule and reasons, and the whole extraction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from policies.models import ChannelKind

from .confidence import confidence_of


@dataclass(frozen=True)
class Fact:
    """One highlighted piece of the text: a deadline, clock trigger, hedge, action verb, path or channel."""

    kind: str
    start: int
    end: int


@dataclass
class ProposedProcedure:
    right: str
    action: str
    deadline: tuple[int, int, str] | None  # (min, max, unit)
    clock_start: str | None
    hedge: str
    quote: str
    start: int  # the quote is text[start:end]
    end: int
    channels: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    rule: str = ""  # confidence.RULES
    reasons: list[str] = field(default_factory=list)  # confidence.SUPPORT and DOUBTS

    @property
    def confidence(self) -> str:
        return confidence_of(self.reasons)

    def as_dict(self) -> dict:
        return {
            "right": str(self.right),
            "action": str(self.action),
            "deadline": (
                {"min": self.deadline[0], "max": self.deadline[1], "unit": str(self.deadline[2])}
                if self.deadline
                else None
            ),
            "clock_start": str(self.clock_start),
            "hedge": str(self.hedge) or None,
            "channels": [{"kind": str(c["kind"]), "value": c["value"]} for c in self.channels],
            "paths": self.paths,
            "quote": self.quote,
            "rule": self.rule,
            "confidence": str(self.confidence),
            "reasons": list(self.reasons),
        }

    def model_channels(self) -> list[dict]:
        """Channels as Procedure.channels stores them: the self-service paths first, as kind self_service."""
        return [{"kind": str(ChannelKind.SELF_SERVICE), "value": p} for p in self.paths] + [
            {"kind": str(c["kind"]), "value": c["value"]} for c in self.channels
        ]


@dataclass
class Extraction:
    app: str
    title: str
    operator: str
    published_on: date | None
    effective_on: date | None
    emails: list[str]
    phones: list[str]
    addresses: list[str]
    procedures: list[ProposedProcedure]

    def as_dict(self) -> dict:
        return {
            "app": self.app or None,
            "title": self.title or None,
            "operator": self.operator or None,
            "published_on": self.published_on.isoformat() if self.published_on else None,
            "effective_on": self.effective_on.isoformat() if self.effective_on else None,
            "contacts": {"emails": self.emails, "phones": self.phones, "addresses": self.addresses},
            "procedures": [p.as_dict() for p in self.procedures],
        }
