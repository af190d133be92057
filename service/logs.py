"""Logging set-up: plain text lines or one JSON object a line (python-json-logger).

What is logged is lengths, hashes, ids, routes and model names, never article text
(embargoed copy): see the README's "Privacy" section.
"""

from __future__ import annotations

import logging
import sys
from typing import Literal

from pythonjsonlogger.json import JsonFormatter

LogFormat = Literal["text", "json"]
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class _ServiceHandler(logging.Handler):
    """Writes to whatever ``sys.stderr`` is at the time (a test's capture, a redirect),
    not the stream it was when the app was built; told apart so a second app replaces it."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
        except Exception:  # noqa: BLE001 - logging must never fail a request
            self.handleError(record)


def configure_logging(level: str, fmt: LogFormat) -> None:
    """Send the root logger's records to stderr as text or JSON lines, at ``level``.

    A handler installed by an earlier call is replaced; other handlers (pytest's, an
    operator's) are left alone.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ServiceHandler)]:
        root.removeHandler(handler)
    handler = _ServiceHandler()
    if fmt == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
