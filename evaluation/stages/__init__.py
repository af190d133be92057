"""The stages of ``make eval``: summaries (+ the LLM engine), requests, translation."""
