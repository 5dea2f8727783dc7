"""The policy importer: read a privacy policy, propose its procedures for review, store and compare them.

reading  bytes / HTML -> text, with clear errors
grammar  the language rules: numerals, deadline phrases, clock triggers, hedges, promised actions, rights
contacts e-mails, phones, addresses, self-service paths, channels, dates, app and operator names
extract  the pure extractor: text -> Extraction (no database)
store    the writes (import a draft version, review procedures, accept a version)
compare  what changed in a version's promises against the app's previous version
"""

from .errors import ImporterError, ImportRefused, ReadError

__all__ = ["ImporterError", "ImportRefused", "ReadError"]
