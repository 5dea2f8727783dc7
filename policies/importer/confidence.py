"""Why the importer proposes a procedure, and how sure it is.

Each proposal carries the rule that produced it and the reasons behind its reading, as codes (stored on the
procedure, shown translated on the review page). A reason is either support (the fact is written in the
sentence itself) or a doubt (it was read from around the sentence, or after normalising its surface).
Confidence follows the doubts: none is high, one is medium, two or more is low. The review page lists low
and medium proposals first and lets a reviewer accept every high one at once.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from policies.models import Confidence

RULES = {
    "deadline_sentence": _("a deadline promised in a sentence"),
    "general_promise": _("a channel held to its section's general promise"),
    "self_service": _("a self-service path or place"),
    "channel": _("a channel offered for a right"),
}

SUPPORT = {
    "right_in_sentence": _("the sentence names the right"),
    "right_in_inline_title": _("the paragraph's sub-title names the right"),
    "request_in_sentence": _("the sentence speaks of requests in general"),
    "catch_all": _("a catch-all sentence for requests other than those above"),
    "verb_after_deadline": _("the promised verb follows the deadline"),
    "clock_stated": _("the sentence says when the clock starts"),
    "clock_from_receipt": _("no clock start is stated: it runs from receipt"),
    "means_named": _("the path or channel names the right itself"),
}

DOUBTS = {
    "right_from_heading": _("the right comes from the section heading"),
    "right_from_previous_sentence": _("the right comes from the sentence before"),
    "right_from_numbered_items": _("the rights come from the items above that the sentence names by number"),
    "request_from_heading": _("only the heading makes this a request"),
    "several_rights": _("the sentence names more than one right"),
    "verb_before_deadline": _("the promised verb stands before the deadline"),
    "normalised": _(
        "read after normalising how it is written (brackets, spaces, emphasis marks, a doubled unit, 了, a wrapped line)"
    ),
    "general_promise": _("the deadline is the section's general promise, not stated for this right"),
    "closing_down_nearby": _("the paragraph speaks of the service closing down"),
    "automated_decision": _("a request about an automated decision, read as a request in general"),
    "unsubscribing": _("only unsubscribing (退订) makes this a withdrawal of consent"),
    "means_from_context": _("the right is read from the words around the path or channel"),
}

REASONS = {**SUPPORT, **DOUBTS}


def confidence_of(reasons: list[str]) -> str:
    doubts = sum(1 for r in reasons if r in DOUBTS)
    return Confidence.HIGH if doubts == 0 else Confidence.MEDIUM if doubts == 1 else Confidence.LOW


def reason_labels(reasons: list[str]) -> list[dict]:
    """The reasons as the review page shows them: text and whether each is a doubt."""
    return [{"code": r, "label": REASONS[r], "doubt": r in DOUBTS} for r in reasons if r in REASONS]
