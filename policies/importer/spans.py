"""Asking one text the same questions many times, in linear time.

The extractor asks the same questions around every deadline and every path: the first verb after it in its
clause, the last verb before it in its sentence, the rights its clause names. Asked with
`pattern.search(text, lo, hi)`, each question re-reads the text from lo, and a sentence with thousands of
deadlines took quadratic time (one 40,000-character sentence with 2,500 promises: 11 s). A TextIndex finds
where each pattern matches once, then answers each question by bisection.
"""

from __future__ import annotations

import bisect
import re
import re._constants as sre_constants  # noqa: PLC2701 - the parser is how Python itself sizes a pattern
import re._parser as sre_parse  # noqa: PLC2701


def reach(pattern: re.Pattern) -> int | None:
    """How far past its start a match of `pattern` (its lookaheads and end assertions included) may read, or
    None when that is unbounded (a + or * without an upper bound)."""
    try:
        tree = sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a pattern the parser cannot size is searched without an index
        return None
    width = tree.getwidth()[1]
    extra = _lookahead_width(tree.data)
    if width >= sre_constants.MAXREPEAT or extra is None:
        return None
    return width + extra + 1  # + 1: an end assertion (\b, $) looks at the character after the match


def _lookahead_width(items) -> int | None:
    total = 0
    for op, av in items:
        if op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            direction, sub = av
            if direction == 1:
                width = sub.getwidth()[1]
                if width >= sre_constants.MAXREPEAT:
                    return None
                total += width
            inner = _lookahead_width(sub.data)
        elif op is sre_constants.SUBPATTERN:
            inner = _lookahead_width(av[-1].data)
        elif op is sre_constants.BRANCH:
            widths = [_lookahead_width(branch.data) for branch in av[1]]
            inner = None if None in widths else max(widths, default=0)
        elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT):
            inner = _lookahead_width(av[2].data)
        elif op is sre_constants.ATOMIC_GROUP:
            inner = _lookahead_width(av.data)
        elif op is sre_constants.GROUPREF_EXISTS:
            widths = [_lookahead_width(branch.data) for branch in av[1:] if branch is not None]
            inner = None if None in widths else max(widths, default=0)
        else:
            inner = 0
        if inner is None:
            return None
        total += inner
    return total


# Parsing a pattern to size it costs more than searching a policy with it: size each pattern once per process
# (the extractor makes a TextIndex for the text and one for its normalised reading). Keyed by id, as below;
# the entry keeps the pattern alive, so an id is never reused here.
_REACH: dict[int, tuple[re.Pattern, int | None]] = {}


def _reach_of(pattern: re.Pattern) -> int | None:
    found = _REACH.get(id(pattern))
    if found is None:
        found = _REACH[id(pattern)] = (pattern, reach(pattern))
    return found[1]


def searcher(text: str, index: TextIndex | None):
    """A search(pattern, lo, hi) over `text`: through its TextIndex when there is one, else directly."""
    return index.search if index else lambda pattern, lo, hi: pattern.search(text, lo, hi)


class TextIndex:
    """Where patterns match in one text, found once; questions about any span answered by bisection.

    search(p, lo, hi) is exactly p.search(text, lo, hi). A match far enough before hi that neither it nor its
    lookaheads read past hi is the same whether the text ends at hi or not, so it comes from the index; only
    the last reach(p) characters before hi are searched again.

    A pattern is indexed only once it has been asked about more characters than the text holds: until then
    each question is searched directly (a policy asks most patterns about a few short clauses, far less than
    reading the whole text). Either way the total stays linear: at most the length of the text directly, then
    one reading of the whole text.
    """

    def __init__(self, text: str, *, direct_budget: int | None = None):
        self.text = text
        # Characters each pattern may be searched directly before it is indexed (the text's length).
        self._direct_budget = len(text) if direct_budget is None else direct_budget
        # Keyed by id(pattern): a compiled pattern's hash is recomputed from its code on every lookup. The
        # patterns are module constants; each entry keeps its pattern alive, so an id is never reused here.
        self._starts: dict[int, tuple[re.Pattern, list[int], int | None]] = {}
        self._matches_at: dict[tuple[int, int], re.Match | None] = {}
        self._patterns: dict[int, re.Pattern] = {}
        self._asked: dict[int, int] = {}  # id(pattern) -> characters searched directly so far

    def _direct(self, pattern: re.Pattern, lo: int, hi: int) -> bool:
        """Whether to answer a question about text[lo:hi] by searching it directly (the pattern is not indexed
        and the characters searched so far, these included, are within the text's length)."""
        key = id(pattern)
        if key in self._starts:
            return False
        spent = self._asked.get(key, 0) + max(hi - lo, 0)
        if spent > self._direct_budget:
            return False
        self._asked[key] = spent
        self._patterns[key] = pattern  # keeps the pattern (and so its id) alive
        return True

    def _index(self, pattern: re.Pattern) -> tuple[list[int], int | None]:
        found = self._starts.get(id(pattern))
        if found is None:
            width = _reach_of(pattern)
            starts: list[int] = []
            if width is not None:
                # Every position a match starts at, overlapping ones too ("与您联系您": 与您联系 and 联系您).
                search, text, pos = pattern.search, self.text, 0
                while (m := search(text, pos)) is not None:
                    starts.append(m.start())
                    pos = m.start() + 1
            found = self._starts[id(pattern)] = (pattern, starts, width)
        return found[1], found[2]

    def search(self, pattern: re.Pattern, lo: int, hi: int) -> re.Match | None:
        """pattern.search(text, lo, hi)."""
        # (One lookup for an indexed pattern, the common case of a policy with thousands of promises.)
        indexed = self._starts.get(id(pattern))
        if indexed is not None:
            _pattern, starts, width = indexed
        elif self._direct(pattern, lo, hi):
            return pattern.search(self.text, lo, hi)
        else:
            starts, width = self._index(pattern)
        if width is None:
            return pattern.search(self.text, lo, hi)
        safe_end = hi - width  # a match starting before this ends (lookaheads included) before hi
        i = bisect.bisect_left(starts, lo)
        if i < len(starts) and starts[i] < safe_end:
            return pattern.match(self.text, starts[i], hi)
        return pattern.search(self.text, max(lo, safe_end), hi)

    def last(self, pattern: re.Pattern, lo: int, hi: int) -> re.Match | None:
        """The match that starts last in text[lo:hi] (and ends by hi). Where matches do not overlap this is the
        last of pattern.finditer(text, lo, hi); where they do, it is the later one."""
        if _reach_of(pattern) is not None and self._direct(pattern, lo, hi):
            # The match starting last, overlapping ones included, as the index would give it.
            found, pos = None, lo
            while (m := pattern.search(self.text, pos, hi)) is not None:
                found, pos = m, m.start() + 1
            return found
        starts, width = self._index(pattern)
        if width is None:
            found = None
            for found in pattern.finditer(self.text, lo, hi):  # noqa: B007 - the last one is wanted
                pass
            return found
        safe_end = hi - width
        for pos in range(hi - 1, max(lo, safe_end) - 1, -1):
            m = pattern.match(self.text, pos, hi)
            if m is not None:
                return m
        i = bisect.bisect_left(starts, min(hi, max(lo, safe_end))) - 1
        if i >= 0 and starts[i] >= lo:
            return pattern.match(self.text, starts[i], hi)
        return None

    def match(self, pattern: re.Pattern, pos: int) -> re.Match | None:
        """pattern.match(text, pos), remembered: many deadlines in one clause ask it at the same place."""
        key = (id(pattern), pos)
        if key not in self._matches_at:
            self._matches_at[key] = pattern.match(self.text, pos)
            self._patterns[id(pattern)] = pattern  # keeps the pattern (and so its id) alive
        return self._matches_at[key]
