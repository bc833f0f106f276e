"""The cyclic garbage collector paused over work that makes much, keeps it, and frees little.

Reading plans makes hundreds of thousands of containers (rows, records,
issues) that are kept, and garbage that reference counting frees at once.
Left on, the collector runs again and again on the way, each full run walking
everything kept so far (a worksheet function's first read of a plan paid
about a third of its time to it, on average; a rollup reading 2,000 plans in
one process 0.65 s).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector kept out of a block that makes, and keeps, much.

    Its first run after a pause would walk every new container once more, so
    what the block made goes straight to the oldest generation (frozen, then
    unfrozen), which only full collections walk. Objects a caller froze are
    left as they are. Pauses nest: only the outermost turns the collector
    back on.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
