"""Tests that start learnloop as a process of its own need a port nobody else is using."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from typing import Any


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago (the system picks it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def kill_while_posting(server: Any, posters: Sequence[threading.Thread], stop: threading.Event,
                       *, kills: int) -> None:
    """Start the posters, then pull the plug on the server (SIGKILL) `kills` times while
    traffic flows, restarting it each time; finally stop the posters and the server."""
    for poster in posters:
        poster.start()
    try:
        for _ in range(kills):
            time.sleep(1.5)  # let traffic flow, then kill it mid-request
            server.kill()
            server.start()
        time.sleep(1.0)
    finally:
        stop.set()
        for poster in posters:
            poster.join(timeout=30)
        server.stop()
