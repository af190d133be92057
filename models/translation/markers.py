"""The inline-tag markers HTML blocks carry through translation (``<g1>``, ``</g1>``,
``<g2/>``), and how a model's copy of one is recognised (spaces and case may change)."""

from __future__ import annotations

import re

MARKER = re.compile(r"<\s*(/?)\s*[gG]\s*(\d+)\s*(/?)\s*>")
