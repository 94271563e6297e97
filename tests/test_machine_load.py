"""benchmarks/machine_load.py: what the machine did in a window, cut out of sampled /proc."""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parent.parent / "benchmarks" / "machine_load.py"
_SPEC = importlib.util.spec_from_file_location("machine_load", _PATH)
machine_load = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("machine_load", machine_load)  # dataclasses look their module up
_SPEC.loader.exec_module(machine_load)

pytestmark = pytest.mark.skipif(not Path("/proc/stat").exists(), reason="needs Linux's /proc")


def _spin(seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pass


def test_a_window_of_work_is_told_from_the_idle_time_around_it(tmp_path: Path) -> None:
    with machine_load.MachineSampler(every=0.05) as sampler:
        time.sleep(0.4)
        began = time.monotonic()
        _spin(0.6)
        with (tmp_path / "written").open("wb") as handle:
            handle.write(os.urandom(4 << 20))
            handle.flush()
            os.fsync(handle.fileno())
        ended = time.monotonic()
        time.sleep(0.4)
    load = sampler.load(began, ended)
    assert load is not None
    # one of the machine's cores spun the whole window
    assert load.busy >= 0.9 / os.cpu_count()
    assert abs(load.busy + load.idle + load.iowait - 1.0) < 1e-9
    assert load.written_mb_s >= 0 and load.read_mb_s >= 0
    assert "busy" in str(load) and "MB/s read" in str(load) and "MB/s written" in str(load)


def test_a_window_without_two_samples_inside_has_no_figures() -> None:
    with machine_load.MachineSampler(every=10) as sampler:
        time.sleep(0.05)
    moment = time.monotonic()
    assert sampler.load(moment, moment + 1) is None
