class ImporterError(Exception):
    """A policy cannot be imported; the message says why, in words for the person importing it."""


class ReadError(ImporterError):
    """The input is not a readable policy text (empty, binary, too large, undecodable)."""


class ImportRefused(ImporterError):
    """The text was read but storing it would be wrong (no app name, a duplicate, a version not reviewed)."""
