"""Process-level memory settings shared by the batch code paths."""

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def cyclic_collector_paused() -> Iterator[None]:
    """Pause CPython's cyclic garbage collector while a bulk job holds many small, acyclic objects.

    Candidate training and `ml predict` keep a few dicts and lists per candidate alive until they end. While
    they do, the collector walks every live object again each few thousand allocations: at 100,000
    candidates that was ~40% of building the feature records, and over 200,000 rows `ml predict` ran 28%
    faster without it. Reference counting still frees everything as usual; the collector is restored as it
    was (it stays off if it was off)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
