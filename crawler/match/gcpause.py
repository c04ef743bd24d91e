"""Pause Python's cyclic garbage collector around allocation-heavy batch work."""

from __future__ import annotations

import gc
from contextlib import contextmanager


@contextmanager
def cyclic_gc_paused():
    """Run the block (or decorated function) without the cyclic collector.

    Reference counting still frees every object as usual; only the search for reference
    cycles waits until the block ends. Matching a batch creates hundreds of thousands of
    small tuples, dicts and lists and keeps many of them alive (the title cache, the
    scores), none in a cycle; the collector starts a pass every 700 new containers and
    rescans that growing heap again and again, which in bench/bench_matching.py cost
    about as much CPU as the scoring itself.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:  # a paused block inside another leaves the outer one paused
            gc.enable()
