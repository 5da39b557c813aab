"""Errors shared by the readers, kept free of heavy imports so that every step can raise them."""


class DataImportError(ValueError):
    """A raw file that does not fit its format: the message names file, line and problem."""


class ClaimError(RuntimeError):
    """A generated sentence that the independent check contradicts: the build stops and names it."""
