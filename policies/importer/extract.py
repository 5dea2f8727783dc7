"""The extractor: a policy's text -> the catalog entries it proposes, each tied to its sentence.

Pure: no database, no I/O. extract(text) reads the document's layout (document.py: headings, sentences),
finds every deadline phrase with the grammar (grammar/) in the text's normalised surface (normalise.py), keeps
those that promise a reply or completion of a user's request, and reads the right, clock start, hedge and
action around each (promises.py); it then adds the self-service paths and channels the policy gives for each
right (means.py, channels.py). Every proposal (proposals.py) carries the rule that produced it and its reasons
(confidence.py); its quote is cut from the original text.
"""

from __future__ import annotations

from config.runtime import without_cyclic_collection

from . import grammar
from .channels import unique
from .contacts import find_addresses, find_app_name, find_dates, find_emails, find_operator, find_phones
from .document import Document
from .means import attach_means
from .normalise import normalised
from .paths import find_paths
from .promises import deadline_promises
from .proposals import Extraction, Fact, ProposedProcedure

__all__ = ["Extraction", "Fact", "ProposedProcedure", "extract", "facts_in"]


def extract(text: str) -> Extraction:
    with without_cyclic_collection():  # tens of thousands of short-lived matches and spans, no cycles
        return _extract(text)


def _extract(text: str) -> Extraction:
    app, title = find_app_name(text)
    doc = Document(text, app)
    # Read once: the contacts are listed for the app and are the channels of its procedures.
    doc.found_phones = find_phones(text, headings=doc.heading_title_at)
    doc.found_emails = find_emails(text)
    doc.found_addresses = find_addresses(text)
    doc.phones = phones = unique(f.value for f in doc.found_phones)
    dates = find_dates(text)
    promises = deadline_promises(doc, doc.normalised_reading(normalised(text)))
    procedures = sorted(promises + attach_means(doc, promises), key=lambda p: (p.start, p.right))
    return Extraction(
        app=app,
        title=title,
        operator=find_operator(text, app),
        published_on=dates.published_on,
        effective_on=dates.effective_on,
        emails=unique(f.value for f in doc.found_emails),
        phones=phones,
        addresses=unique(f.value for f in doc.found_addresses),
        procedures=procedures,
    )


# --- Highlighting a stored quote --------------------------------------------------------------------------


def facts_in(text: str, start: int, end: int) -> list[Fact]:
    """The facts the grammar recognises in text[start:end] (for highlighting a stored procedure's quote)."""
    facts = [Fact("deadline", p.start, p.end) for p in grammar.find_deadlines(text, start, end)]
    facts += [Fact("clock", t.start, t.end) for t in grammar.clock_triggers(text, start, end)]
    for pattern in (grammar.CAP_WORDS, grammar.SOFT_WORDS):
        facts += [Fact("hedge", m.start(), m.end()) for m in pattern.finditer(text, start, end)]
    facts += [Fact("path", p.start, p.end) for p in find_paths(text, start, end)]
    return sorted(facts, key=lambda f: (f.start, -f.end))
