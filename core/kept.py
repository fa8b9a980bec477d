"""What a process keeps computed while nothing it was computed from has changed: a motion's
situation (core/decisions/operations/situation.py), a body's meeting rules
(core/meetings/operations/compliance.py).

Each entry carries the stamp it was computed under: the ``situation_version`` of every row
it read (a write to what the rules read gives the row a new one in the same flush,
docs/decisions/0034-a-vote-reads-what-voting-opened-with.md), the rule host and the day.
An entry is used only under the same stamp and the same host object (a new host, as a test
or a reload makes, computes anew). Kept per process, the least recently used going first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

from flask import current_app


class Kept:
    """Values by key, each with the stamp it was computed under; ``stamp[0]`` is the rule
    host, compared by identity."""

    def __init__(self, size: int):
        self.size = size
        self.lock = threading.Lock()
        self.entries: OrderedDict[Hashable, tuple[tuple, object, object]] = OrderedDict()

    def get(self, key: Hashable, stamp: tuple):
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] != stamp or entry[1] is not stamp[0]:
                return None
            self.entries.move_to_end(key)
            return entry[2]

    def put(self, key: Hashable, stamp: tuple, value) -> None:
        with self.lock:
            self.entries[key] = (stamp, stamp[0], value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def kept(name: str, size: int) -> Kept:
    """The application's :class:`Kept` called ``name`` (made on first use)."""
    return current_app.extensions.setdefault(f"kommissorium.kept.{name}", Kept(size))
