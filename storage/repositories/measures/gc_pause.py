"""The cyclic garbage collector paused while reports are computed (see `cyclic_gc_paused`)."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

_gc_pauses = 0
_gc_was_enabled = False


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a report is computed.

    A national report makes about a million objects (driver records, unit rows, lists)
    that all live until it ends; the collector kept re-scanning them as they were made
    (~0.7 s of a 3.5 s report) and could free none. Reference counting still frees
    everything else; collection resumes when the last report ends.

    The objects alive then (the report the caller is about to read) are frozen: left out
    of collections, so the first one after resuming does not scan them all at once (50-160
    ms of a national report). The next report unfreezes them (to the oldest generation,
    collected as usual), so nothing stays out of the collector's sight for long.
    """
    global _gc_pauses, _gc_was_enabled
    if _gc_pauses == 0:
        _gc_was_enabled = gc.isenabled()
        gc.disable()
        gc.unfreeze()
    _gc_pauses += 1
    try:
        yield
    finally:
        _gc_pauses -= 1
        if _gc_pauses == 0 and _gc_was_enabled:
            gc.freeze()
            gc.enable()
