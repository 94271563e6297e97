"""What the whole machine did during a timed window: CPU busy, idle and waiting for disk, and
bytes read from and written to disk, from Linux's /proc (sampled by a thread, so a window that
starts after the clients have built their bodies can be cut out afterwards).

A figure such as "6,300 statements/s" says little on its own on a small machine: the same code
measured 4,600 and 6,500 in two runs a minute apart. Whether the machine was saturated (no idle
CPU: the server's CPU per statement decides), waiting (idle CPU: a lock, the disk, too few
clients) or writing (MB/s to disk) tells which bound a run met. Reads from disk tell a read
answered from the page cache apart from one that went to the disk (a machine that pages out
cold memory, as these do, sends a large store's reads back to its disk).
"""

from __future__ import annotations

import threading
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from pathlib import Path

__all__ = ["MachineLoad", "MachineSampler"]

_SECTOR = 512  # /proc/diskstats counts 512-byte sectors whatever the device's own size
_STAT = Path("/proc/stat")
_DISKSTATS = Path("/proc/diskstats")


@dataclass(frozen=True)
class MachineLoad:
    busy: float  # share of all cores' time spent running (user, system, interrupts)
    idle: float  # share idle, not waiting for the disk
    iowait: float  # share idle while a disk read or write was outstanding
    written_mb_s: float  # MB/s written to the machine's disks
    read_mb_s: float = 0.0  # MB/s read from them

    def __str__(self) -> str:
        return (f"machine {self.busy:.0%} busy, {self.idle:.0%} idle, {self.iowait:.0%} waiting "
                f"for disk, {self.read_mb_s:,.0f} MB/s read, {self.written_mb_s:,.0f} MB/s "
                "written")


def _cpu_times() -> tuple[float, float, float]:
    """(busy, idle, iowait) jiffies of all cores so far (idle does not count iowait)."""
    fields = [int(value) for value in _STAT.read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return float(user + nice + system + irq + softirq + steal), float(idle), float(iowait)


def _disks() -> list[str]:
    """The machine's whole block devices (not partitions, loop or RAM devices)."""
    root = Path("/sys/block")
    if not root.is_dir():
        return []
    return [device.name for device in root.iterdir()
            if not device.name.startswith(("loop", "ram", "zram"))]


def _sectors(disks: list[str]) -> tuple[int, int]:
    """Sectors (read, written) on the disks so far."""
    read = written = 0
    for line in _DISKSTATS.read_text().splitlines():
        fields = line.split()
        if len(fields) > 9 and fields[2] in disks:
            read += int(fields[5])
            written += int(fields[9])
    return read, written


class MachineSampler:
    """Samples /proc every `every` seconds on a thread, from `start()` to `stop()`; `load(a, b)`
    is what happened between two `time.monotonic()` moments inside that span. On a system
    without /proc, `available` is False and `load` returns None."""

    def __init__(self, every: float = 0.25) -> None:
        self.available = _STAT.exists() and _DISKSTATS.exists()
        self._every = every
        self._disks = _disks() if self.available else []
        self._samples: list[tuple[float, tuple[float, float, float], tuple[int, int]]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="machine-sampler", daemon=True)

    def __enter__(self) -> MachineSampler:
        if self.available:
            self._take()
            self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        if self.available:
            self._stop.set()
            self._thread.join()
            self._take()

    def _take(self) -> None:
        self._samples.append((time.monotonic(), _cpu_times(), _sectors(self._disks)))

    def _run(self) -> None:
        while not self._stop.wait(self._every):
            self._take()

    def load(self, began: float, ended: float) -> MachineLoad | None:
        """The load between the first sample at or after `began` and the last at or before
        `ended` (None without /proc, or with fewer than two samples in between)."""
        moments = [sample[0] for sample in self._samples]
        first, last = bisect_left(moments, began), bisect_right(moments, ended) - 1
        if not self.available or last <= first:
            return None
        (start, cpu_start, disk_start), (end, cpu_end, disk_end) = (
            self._samples[first], self._samples[last])
        busy, idle, iowait = (after - before for after, before in zip(cpu_end, cpu_start,
                                                                        strict=True))
        total = busy + idle + iowait or 1.0
        read, written = ((after - before) * _SECTOR / 1e6 / max(end - start, 1e-9)
                         for after, before in zip(disk_end, disk_start, strict=True))
        return MachineLoad(busy=busy / total, idle=idle / total, iowait=iowait / total,
                           written_mb_s=written, read_mb_s=read)
