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


class _ServiceHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler this module installs (told apart so a second app replaces it)."""


def configure_logging(level: str, fmt: LogFormat) -> None:
    """Send the root logger's records to stderr as text or JSON lines, at ``level``.

    A handler installed by an earlier call is replaced; other handlers (pytest's, an
    operator's) are left alone.
    """
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _ServiceHandler)]:
        root.removeHandler(handler)
    handler = _ServiceHandler(sys.stderr)
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
