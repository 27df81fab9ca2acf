"""One small error hierarchy. Every message says what went wrong and how to fix it.

The CLI turns any `RegroupError` into one line on stderr and its `exit_code`.
"""

from __future__ import annotations


class RegroupError(Exception):
    """Base of every error Regroup reports to a person."""

    exit_code = 1


class UsageError(RegroupError):
    """A flag, argument or setting has a value that cannot work."""

    exit_code = 2


class AudioFileError(RegroupError):
    """A WAV file cannot be read or written."""


class DeviceError(RegroupError):
    """An audio device is missing, unknown or failed."""

    exit_code = 3


class ModelError(RegroupError):
    """A speech model is missing or broken."""

    exit_code = 4


class EngineError(RegroupError):
    """A speech engine (recognizer or voice) failed or is not installed."""

    exit_code = 4


class FlowError(RegroupError):
    """A flow is unknown or malformed."""

    exit_code = 5


class ScriptError(RegroupError):
    """A scripted-user file is malformed."""

    exit_code = 5


class StorageError(RegroupError):
    """The transcript store cannot be read or written."""

    exit_code = 6


class DownloadError(RegroupError):
    """A model download failed (no network, bad archive, checksum mismatch)."""

    exit_code = 7
