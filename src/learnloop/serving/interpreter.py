"""How a server process sets up Python once its application is built: GIL turns and the cycle
collector, for a process that serves requests until it stops."""

from __future__ import annotations

import gc
import sys

__all__ = ["SWITCH_INTERVAL_SECONDS", "YOUNG_OBJECTS_PER_COLLECTION", "tune_server_process"]

# how long a thread may keep the GIL while another waits for it (Python's default: 5 ms). A
# request thread holding SQLite's write gate gives the GIL up at every database call and must win
# it back from the threads busy parsing other requests; at 5 ms a turn, the gate's holder waited
# longer for the GIL than for the database. Half a millisecond keeps the gate's turns short.
SWITCH_INTERVAL_SECONDS = 0.0005

# container objects allocated, net, before the cycle collector looks at the youngest generation
# (Python's default: 700). A batch of 100 statements parses into ~5,000 of them, all alive until
# the request ends: at 700 the collector ran seven times a request over the same live objects.
YOUNG_OBJECTS_PER_COLLECTION = 10_000


def tune_server_process() -> None:
    """Shorter GIL turns, and a cycle collector that leaves the application alone: everything
    alive once it is built (modules, routes, the ORM's mappings, compiled queries: a few hundred
    thousand objects that live as long as the process) is moved out of the collector's sight
    (`gc.freeze`), so the full collections that requests' garbage sets off no longer walk it.
    In a server process this took about a tenth of the CPU a batch of statements costs."""
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    gc.collect()  # garbage of the start-up is not kept for ever
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_OBJECTS_PER_COLLECTION, middle, old)
