"""The channels a policy names (phones, e-mails, addresses, customer service), by position, read once per
document and looked up for each window a promise or sentence asks about."""

from __future__ import annotations

import bisect

from policies.models import ChannelKind

from .contacts import find_channel_words
from .document import Document


def document_channels(doc: Document) -> _Channels:
    """Every channel the document names, read on first use."""
    return doc.remember(("channels",), lambda: _Channels(_all_channels(doc)))


def channels_with_spans(doc: Document, start: int, end: int) -> list[tuple[dict, tuple[int, int]]]:
    """The channels named in text[start:end] with where they are, menu paths' steps left out (客服中心 in
    个人中心-》客服中心 is a step, not a channel). Read once for the document, then looked up by position."""
    return document_channels(doc).within(start, end)


class _Channels:
    """Every channel the document names, by position; and, for the many windows the promises ask about, each
    distinct channel once, in the order first named (a section naming 客服 a thousand times is cheap)."""

    _FEW = 32  # with at most this many distinct channels, look each up rather than read the window

    def __init__(self, found: list[tuple[dict, tuple[int, int]]]):
        self.found = found
        self.starts = [span[0] for _c, span in found]
        self.ends = [span[1] for _c, span in found]
        keys: dict[tuple[str, str], int] = {}
        self.ids = [keys.setdefault((c["kind"], c["value"]), len(keys)) for c, _span in found]
        self.keys = list(keys)
        self.longest = max((e - s for _c, (s, e) in found), default=0)
        self.where: list[list[int]] = [[] for _ in self.keys]  # id -> its indexes in found
        for i, channel_id in enumerate(self.ids):
            self.where[channel_id].append(i)

    def within(self, start: int, end: int) -> list[tuple[dict, tuple[int, int]]]:
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        return [item for item in self.found[lo:hi] if item[1][1] <= end]

    def distinct_within(self, start: int, end: int) -> list[tuple[str, str]]:
        """The (kind, value) of the channels named in text[start:end], each once, in the order first named."""
        lo, hi = bisect.bisect_left(self.starts, start), bisect.bisect_left(self.starts, end)
        # Channels starting before `safe` end by `end`; only those after it need their end checked.
        safe = bisect.bisect_left(self.starts, end - self.longest, lo, hi)
        if len(self.keys) <= self._FEW:
            firsts = []
            for channel_id, where in enumerate(self.where):
                k = bisect.bisect_left(where, lo)
                while k < len(where) and where[k] < hi and where[k] >= safe and self.ends[where[k]] > end:
                    k += 1
                if k < len(where) and where[k] < hi:
                    firsts.append((where[k], channel_id))
            return [self.keys[channel_id] for _i, channel_id in sorted(firsts)]
        ids = dict.fromkeys(self.ids[lo:safe])
        ids.update(dict.fromkeys(self.ids[i] for i in range(safe, hi) if self.ends[i] <= end))
        return [self.keys[channel_id] for channel_id in ids]


def _all_channels(doc: Document) -> list[tuple[dict, tuple[int, int]]]:
    text = doc.text
    found = [({"kind": ChannelKind.PHONE, "value": f.value}, (f.start, f.end)) for f in doc.found_phones]
    found += [({"kind": ChannelKind.EMAIL, "value": f.value}, (f.start, f.end)) for f in doc.found_emails]
    found += [({"kind": ChannelKind.POST, "value": f.value}, (f.start, f.end)) for f in doc.found_addresses]
    for f in find_channel_words(text, app_name=doc.app_name):
        kind, value = f.value.split(":", 1)
        found.append(({"kind": kind, "value": value}, (f.start, f.end)))
    path_starts = [p.start for p in doc.paths]
    kept = []
    for channel, (s, e) in found:
        i = bisect.bisect_right(path_starts, s) - 1
        if i >= 0 and s < doc.paths[i].end:
            continue
        kept.append((channel, (s, e)))
    return sorted(kept, key=lambda item: item[1][0])


def channels_in(doc: Document, start: int, end: int) -> list[dict]:
    # Each distinct channel once (what unique keeps), before the rules below look at them.
    channels = [{"kind": kind, "value": value} for kind, value in document_channels(doc).distinct_within(start, end)]
    if any(c["kind"] == ChannelKind.PHONE for c in channels):
        # The number itself is the channel; "客服电话" beside it says nothing more.
        channels = [
            c for c in channels if not (c["kind"] == ChannelKind.CUSTOMER_SERVICE and _names_a_phone(c["value"]))
        ]
    elif any(_names_a_phone(c["value"]) for c in channels):
        # "拨打客服电话" without a number: the number is the one the policy lists elsewhere (附一: 热线电话).
        channels += [{"kind": ChannelKind.PHONE, "value": phone} for phone in doc.phones]
    return unique(channels)


def _names_a_phone(words: str) -> bool:
    return "电话" in words or "热线" in words


def unique(values) -> list:
    """Each value once, in the order first given (a channel, a dict, by its items)."""
    seen, out = set(), []
    for v in values:
        key = v if not isinstance(v, dict) else tuple(sorted(v.items()))
        if key not in seen:
            seen.add(key)
            out.append(v)
    return out
