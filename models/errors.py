"""Domain exceptions raised by the inference layer.

The HTTP layer maps each one to a status code in one place (``service/errors.py``);
nothing here knows about HTTP.
"""

from __future__ import annotations


class InferenceError(Exception):
    """Base class: ``message`` is safe to show to a client, ``param`` names the input at fault."""

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class InputTooLong(InferenceError):
    """The input is larger than a configured limit."""

    def __init__(self, *, param: str, length: int, limit: int, unit: str = "characters") -> None:
        super().__init__(f"{param} has {length} {unit}; the limit is {limit}.", param=param)
        self.length = length
        self.limit = limit


class UnsupportedLanguage(InferenceError):
    """A language (given or detected) that the service cannot handle."""

    def __init__(self, *, param: str, language: str, supported: tuple[str, ...]) -> None:
        super().__init__(
            f"Language {language!r} is not supported for {param}; "
            f"supported: {', '.join(supported)}.",
            param=param,
        )
        self.language = language
        self.supported = supported


class ModelUnavailable(InferenceError):
    """A model needed for the request is not loaded (or failed to load)."""

    def __init__(self, *, model: str, reason: str) -> None:
        super().__init__(f"Model {model} is unavailable: {reason}")
        self.model = model
        self.reason = reason


class Overloaded(InferenceError):
    """The bounded wait queue is full; the client should retry later."""

    def __init__(self, *, queue_size: int, retry_after_s: int) -> None:
        super().__init__(
            f"The server is busy ({queue_size} requests waiting); retry in {retry_after_s} s."
        )
        self.queue_size = queue_size
        self.retry_after_s = retry_after_s


class GenerationFailed(InferenceError):
    """A model ran but produced no usable output for part of the input."""


class DeadlineExceeded(InferenceError):
    """The request ran past its deadline; its queued work was dropped."""

    def __init__(self, *, timeout_s: float) -> None:
        super().__init__(
            f"The request did not finish within {timeout_s:g} s (REQUEST_TIMEOUT_S); "
            "its queued work was cancelled."
        )
        self.timeout_s = timeout_s


class ShuttingDown(InferenceError):
    """The server is draining for a shutdown and takes no new work."""

    def __init__(self, *, retry_after_s: int) -> None:
        super().__init__(f"The server is shutting down; retry in {retry_after_s} s.")
        self.retry_after_s = retry_after_s


class NoArticleText(InferenceError):
    """An HTML page in which no article text was found."""

    def __init__(self, *, param: str) -> None:
        super().__init__(f"No article text was found in the HTML of {param}.", param=param)
