"""The n-gram ban of ``no_repeat_ngram_size``, for backends that pick tokens themselves."""

from __future__ import annotations

from collections.abc import Iterable


class NgramBan:
    """Tokens that would repeat an n-gram already in the row (prompt included).

    The same rule as transformers' ``NoRepeatNGramLogitsProcessor``: after the last ``n - 1``
    tokens, any token that followed those ``n - 1`` tokens before is banned.
    """

    def __init__(self, n: int, tokens: Iterable[int]) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        self.n = n
        self.tokens: list[int] = []
        self._seen: dict[tuple[int, ...], set[int]] = {}
        for token in tokens:
            self.push(token)

    def push(self, token: int) -> None:
        """Append a token to the row."""
        self.tokens.append(token)
        if len(self.tokens) >= self.n:
            head = tuple(self.tokens[len(self.tokens) - self.n : -1])
            self._seen.setdefault(head, set()).add(token)

    def banned(self) -> set[int]:
        """The tokens that may not come next."""
        if len(self.tokens) < self.n - 1:
            return set()
        head = tuple(self.tokens[len(self.tokens) - self.n + 1 :]) if self.n > 1 else ()
        return self._seen.get(head, set())
