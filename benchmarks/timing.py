"""Running child processes and summarising samples."""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from benchmarks.books import ROOT, child_env


class BenchError(Exception):
    """A benchmarked command failed; the message says how."""


@dataclass(frozen=True)
class Run:
    seconds: float
    maxrss_mb: float
    stdout: str
    cpu: float = 0.0  # user + system seconds of the child


class _RusagePopen(subprocess.Popen):
    """Popen that reaps its child with wait4, keeping the peak RSS (ru_maxrss, KiB on Linux)."""

    rss_kb = 0
    cpu = 0.0

    def _try_wait(self, wait_flags):  # type: ignore[override]
        try:
            pid, status, usage = os.wait4(self.pid, wait_flags)
        except ChildProcessError:
            return (self.pid, 0)
        if pid == self.pid:
            self.rss_kb = usage.ru_maxrss
            self.cpu = usage.ru_utime + usage.ru_stime
        return (pid, status)


def run_process(cmd: Sequence[str], *, capture: bool = False, cwd: Path = ROOT, timeout: float = 900) -> Run:
    """Run ``cmd`` to its end: wall time from launch to exit and its peak resident memory."""
    started = time.perf_counter()
    proc = _RusagePopen(
        [str(c) for c in cmd], cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise BenchError(f"{' '.join(map(str, cmd))} took longer than {timeout} s") from None
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        tail = (err or b"").decode(errors="replace").strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(map(str, cmd))} exited with {proc.returncode}: " + " | ".join(tail))
    return Run(seconds, proc.rss_kb / 1024, (out or b"").decode(errors="replace") if capture else "", proc.cpu)


@dataclass
class Series:
    """Samples of one measured thing."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def low(self) -> float:
        return min(self.samples)

    @property
    def high(self) -> float:
        return max(self.samples)


def alternate(runs: int, target: Callable[[], float], baseline: Callable[[], float]) -> tuple[Series, Series]:
    """``runs`` runs of each, alternating which goes first, so drift hits both alike."""
    t: list[float] = []
    b: list[float] = []
    for i in range(runs):
        if i % 2 == 0:
            t.append(target())
            b.append(baseline())
        else:
            b.append(baseline())
            t.append(target())
    return Series(t), Series(b)
