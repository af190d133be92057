"""Rule-based text analysis: sentences, numbers, figures, datelines, their word lists."""
