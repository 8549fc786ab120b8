"""A small, bounded, content-keyed LRU cache for the formulas.

Excel recalculates every formula that reads a range whenever the range changes, and a
sheet may hold many formulas over the same ``Deals!A1:P900``. Keying by a hash of the
*values* (not by address) means: same values -> no re-parse; any edit -> a new key.
:func:`gc_paused` keeps the garbage collector out of a formula's parse of a large range.
"""

from __future__ import annotations

import gc
import hashlib
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from itertools import chain
from typing import Any, TypeVar

T = TypeVar("T")


def content_key(values: Any, *settings: Hashable) -> Hashable:
    """A key for a 2-D list of cell values (plus plain settings) that changes with any edit.

    Python's own tuple hash runs in C over every cell (tens of ms for 50,000 x 18 cells),
    far faster than serialising the range; a 64-bit hash plus the shape keeps collisions
    out of reach for a cache of a few entries. The cells' types are part of the key:
    TRUE and 1.0 are equal in Python but read differently, so they never share a key.
    """
    rows = values if isinstance(values, (list, tuple)) else [[values]]
    try:
        # one flat tuple: a single allocation, so no garbage collection runs over the
        # freshly converted range while hashing; row lengths keep the shape in the key
        shape: Hashable = hash(tuple(map(len, rows)))
        digest: Hashable = hash(tuple(chain.from_iterable(rows)))
        types: Hashable = hash(tuple(map(type, chain.from_iterable(rows))))
    except TypeError:  # a 1-D row or an unhashable cell: fall back to a serialised digest
        shape = types = None
        digest = hashlib.blake2b(pickle.dumps(rows, protocol=5), digest_size=20).hexdigest()
    return (len(rows), shape, digest, types, settings)


class _Flag:
    """Stands in a snapshot for a cell equal to TRUE or FALSE: a bool, or a number 1 or 0.

    Python finds ``True == 1.0``, but ingestion reads a TRUE/FALSE column as a yes/no
    attribute and a 1/0 column as a code. When a snapshot is compared with a range, each
    flag's ``__eq__`` notes the type of the cell it meets (only these cells pay a Python
    call; every other cell compares in C), so :class:`ContentIndex` can require the types
    to match as well as the values.
    """

    __slots__ = ("value",)
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, value: bool) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        _SEEN.types.append(type(other))
        return self.value == other


_FLAGS: dict[Any, _Flag] = {True: _Flag(True), False: _Flag(False)}
_SEEN = threading.local()


def _flagged(rows: list[list[Any]]) -> list[list[Any]]:
    """The rows with every cell equal to TRUE or FALSE replaced by its flag (C-level per row)."""
    get = _FLAGS.get
    return [list(map(get, r, r)) for r in rows]


def _equal_with_types(flagged: list[list[Any]], rows: list[list[Any]]) -> tuple[bool, list[type]]:
    """(values equal, the types of the rows' cells met by a flag, in order)."""
    _SEEN.types = []
    try:
        return flagged == rows, _SEEN.types
    finally:
        _SEEN.types = []


_GC_LOCK = threading.Lock()
_GC_HOLDERS = 0
_GC_WAS_ENABLED = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold Python's cyclic garbage collector off while a formula parses its range.

    A 50,000-row range arrives as 50,000 fresh lists holding 900,000 cell objects, and
    parsing it allocates many more objects; with the collector on, each allocation burst
    sets off collections that walk the whole young heap again (a third of a cold formula's
    time). The cells and the parse build no reference cycles, so nothing is lost by not
    collecting during it.

    Only the public switch (``gc.disable`` / ``gc.enable``) is used: no generation is
    promoted or frozen, so the host's own collector settings stay as they were.

    Nested and concurrent users are counted: the collector is switched back on (if it was
    on) when the last one leaves, also on an exception.
    """
    global _GC_HOLDERS, _GC_WAS_ENABLED
    with _GC_LOCK:
        if _GC_HOLDERS == 0:
            _GC_WAS_ENABLED = gc.isenabled()
            gc.disable()
        _GC_HOLDERS += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _GC_HOLDERS -= 1
            if _GC_HOLDERS == 0 and _GC_WAS_ENABLED:
                gc.enable()


class LRUCache:
    """Thread-safe LRU of at most ``maxsize`` entries."""

    def __init__(self, maxsize: int = 16) -> None:
        self.maxsize = maxsize
        self._data: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                self.hits += 1
                return self._data[key]
        value = compute()  # outside the lock: a slow parse must not block other lookups
        with self._lock:
            self.misses += 1
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        return len(self._data)


class ContentIndex:
    """Gives every distinct range content a token, checked by exact equality of values and types.

    Looking a range up costs one C-level list comparison against the cached snapshot with
    the same shape and sampled rows (about 17 ms for 50,000 x 18 fresh cells, a third of
    hashing them), plus a type comparison in the columns where TRUE/FALSE and 1/0 could be
    confused (:func:`typed_columns`), so a hit is certain, not probable: a range of TRUE/FALSE
    and one of 1/0 are different contents. On a miss the content is copied (rows are copied,
    cell values are immutable) so later edits of the caller's list cannot alter the
    snapshot. Tokens are never reused; at most ``maxsize`` contents are remembered.
    """

    def __init__(self, maxsize: int = 16) -> None:
        self.maxsize = maxsize
        #: token -> (probe, snapshot, types of its flagged cells; None until first looked up)
        self._entries: OrderedDict[int, tuple[Hashable, list[list[Any]], list[type] | None]] = \
            OrderedDict()
        self._next = 0
        self._lock = threading.Lock()

    @staticmethod
    def _probe(rows: list[list[Any]]) -> Hashable | None:
        """Shape and a hash of three sampled rows; None when they are not rows of hashable cells."""
        n = len(rows)
        picks = (rows[0], rows[n // 2], rows[-1]) if n else ()
        try:
            return (n, tuple(map(len, picks)), hash(tuple(chain.from_iterable(picks))))
        except TypeError:
            return None

    def token(self, rows: list[list[Any]]) -> int | None:
        """The token of this content (an existing one when an equal content was seen).

        None when the content cannot be indexed (see :meth:`add`).
        """
        found = self.find(rows)
        return found if found is not None else self.add(rows)

    def find(self, rows: list[list[Any]]) -> int | None:
        """The token of an equal content seen before, or None.

        A hit means every row equals a cached list, so the rows are lists: callers can leave
        checking the row types to a miss.
        """
        probe = self._probe(rows)
        if probe is None:
            return None
        with self._lock:
            candidates = [(t, snap, types) for t, (p, snap, types) in self._entries.items()
                          if p == probe]
        for tok, snap, types in candidates:
            if types is None:  # first look-up of this content: flag it once (see _Flag)
                snap, types = self._flag(tok, snap)
                if types is None:
                    continue
            equal, seen = _equal_with_types(snap, rows)
            if equal and seen == types:
                with self._lock:
                    if tok in self._entries:
                        self._entries.move_to_end(tok)
                return tok
        return None

    def _flag(self, tok: int, snap: list[list[Any]]) -> tuple[list[list[Any]], list[type] | None]:
        """The flagged form of a snapshot and the types of its flagged cells, stored for later."""
        try:
            flagged = _flagged(snap)
        except TypeError:  # an unhashable cell: never a hit
            return snap, None
        equal, types = _equal_with_types(flagged, snap)
        if not equal:  # a cell not equal to itself (NaN): never a hit
            return snap, None
        with self._lock:
            if tok in self._entries:
                probe = self._entries[tok][0]
                self._entries[tok] = (probe, flagged, types)
        return flagged, types

    def add(self, rows: list[list[Any]]) -> int | None:
        """A new token for this content, remembered with a copy of the rows.

        None (nothing remembered) when the sampled rows hold unhashable cells.
        """
        probe = self._probe(rows)
        if probe is None:
            return None
        # a plain copy now (cheap, on the cold path); flagged at the first look-up
        snapshot = list(map(list, rows))
        with self._lock:
            self._next += 1
            tok = self._next
            self._entries[tok] = (probe, snapshot, None)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return tok

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
