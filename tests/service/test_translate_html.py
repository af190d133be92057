"""POST /translate with format html, on the tiny random models: the markup survives."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PAGE = (
    '<article class="story">\n  <h1 id="t">Trade talks</h1>\n'
    "  <p>Kazakhstan and China discussed&nbsp;trade.</p>\n"
    "  <script>var keep = 'Kazakhstan';</script>\n</article>"
)


def _skeleton(html: str) -> list[str]:
    """The block-level tags and the script, in order (what the model never sees)."""
    return re.findall(r"</?(?:article|h1|p)\b[^>]*>|<script>.*?</script>", html)


def test_html_markup_is_kept_around_the_translated_text(client: TestClient) -> None:
    r = client.post(
        "/translate",
        json={"text": PAGE, "target_lang": "ru", "source_lang": "en", "format": "html"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    out = body["translations"][0]
    assert _skeleton(out) == _skeleton(PAGE)
    assert out.startswith('<article class="story">\n  <h1 id="t">')
    assert out.endswith("</p>\n  <script>var keep = 'Kazakhstan';</script>\n</article>")
    assert "Trade talks" not in out  # the heading went through the model
    assert body["segments"] >= 2 and body["detected"] == [
        {"lang": "en", "confidence": 1.0, "script": "latin"}
    ]
    assert len(body["quality"]) == 1


def test_html_with_no_text_comes_back_unchanged(client: TestClient) -> None:
    r = client.post(
        "/translate",
        json={"text": "<hr>\n<img src='a.png'>", "target_lang": "ru", "format": "html"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["translations"] == ["<hr>\n<img src='a.png'>"]
    assert body["notes"] == ["text has no text to translate; returned unchanged"]
