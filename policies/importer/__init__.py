"""The policy importer: read a privacy policy, propose its procedures for review, store and compare them.

reading    bytes / HTML -> text, with clear errors
normalise  the text as the grammar reads it, with a map back to what is written
grammar/   the language rules: numerals, deadline phrases, clock triggers, hedges, promised actions, rights
contacts   e-mails, phones, addresses, channel words, dates, app and operator names
paths      self-service paths (menu steps) and places
extract    the pure extractor: text -> Extraction (no database), from
           document (headings, sentences), promises (deadline sentences), channels and means (paths, channels
           for a right), proposals (what is proposed); confidence gives each proposal its rule and reasons
store      the writes (import a draft version, review procedures, accept a version); jobs runs an import
compare    what changed in a version's promises against the app's previous version
spans      TextIndex: searches of many windows of one text without reading it again
scoring    the importer against the labelled corpus (bench/score_importer.py, tests/policies/importer/test_corpus.py)
"""

from .errors import ImporterError, ImportRefused, ReadError

__all__ = ["ImporterError", "ImportRefused", "ReadError"]
