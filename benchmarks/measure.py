"""Memory of a whole process tree as PSS, sampled by a thread.

PSS (proportional set size) shares each shared page among the processes mapping it, so
the sum over a tree (a Python process, Playwright's Node driver, Chromium's browser,
zygote, GPU/utility and renderer processes) is what the tree really costs, where a sum
of RSS would count Chromium's shared memory many times.

The tree is the root process, all its descendants (by parent pid) and every process of
the root's session (the root is started with ``start_new_session=True``), so a helper
Chromium double-forks away (crashpad) is still counted.
"""
from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable


TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[int, int, float] | None:
    """(parent pid, session id, CPU seconds used so far) of a process, or None when it is gone."""
    try:
        with open("/proc/%s/stat" % pid, "rb") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rfind(b")") + 2:].split()  # after "pid (comm) "; comm may hold spaces
    return int(fields[1]), int(fields[3]), (int(fields[11]) + int(fields[12])) / TICKS


def tree_pids(root: int, session: int | None = None, cpu: dict[int, float] | None = None) -> list[int]:
    """The tree's pids; ``cpu`` (when given) is filled with each one's CPU seconds so far."""
    parents: dict[int, list[int]] = {}
    in_session: list[int] = []
    used: dict[int, float] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        stat = _stat(entry)
        if stat is None:
            continue
        pid = int(entry)
        used[pid] = stat[2]
        parents.setdefault(stat[0], []).append(pid)
        if session is not None and stat[1] == session:
            in_session.append(pid)
    found, todo = set(), [root] + in_session
    while todo:
        pid = todo.pop()
        if pid in found:
            continue
        found.add(pid)
        todo.extend(parents.get(pid, ()))
    if cpu is not None:
        cpu.update((pid, used.get(pid, 0.0)) for pid in found)
    return sorted(found)


def pss_kib(pid: int) -> int:
    """The process's PSS in KiB (0 when it is gone or unreadable)."""
    try:
        with open("/proc/%d/smaps_rollup" % pid, "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def tree_pss_kib(root: int, session: int | None = None, cpu: dict[int, float] | None = None) -> tuple[int, int]:
    """(PSS of the tree in KiB, number of processes)."""
    pids = tree_pids(root, session, cpu)
    return sum(pss_kib(p) for p in pids), len(pids)


def process_kind(pid: int) -> str:
    """A short name for what a process of the tree is (python, node driver, Chromium's roles)."""
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            argv = f.read().rstrip(b"\0").split(b"\0")
    except OSError:
        return "gone"
    if len(argv) == 1:  # Chromium's children rewrite their command line as one space-separated string
        argv = argv[0].split(b" ")
    exe = os.path.basename(argv[0].decode("utf-8", "replace")) if argv and argv[0] else "?"
    if "chrom" in exe or "headless" in exe or any(a.startswith(b"--type=") for a in argv):
        kind = next((a.decode()[7:] for a in argv if a.startswith(b"--type=")), "browser")
        sub = next((a.decode().split("=", 1)[1] for a in argv if a.startswith(b"--utility-sub-type=")), "")
        return "chromium " + kind + (" " + sub.split(".")[0] if sub else "")
    if exe.startswith("python"):
        return "python"
    if exe == "node":
        return "node (playwright driver)"
    return exe


def breakdown(root: int, session: int | None = None) -> dict[str, tuple[int, int]]:
    """{process kind: (count, PSS KiB)} for the tree."""
    out: dict[str, tuple[int, int]] = {}
    for pid in tree_pids(root, session):
        kind = process_kind(pid)
        count, kib = out.get(kind, (0, 0))
        out[kind] = (count + 1, kib + pss_kib(pid))
    return out


class LineCounter:
    """Counts complete lines of a file that grows (read incrementally)."""

    def __init__(self, path: str):
        self.path, self.offset, self.lines = path, 0, 0

    def __call__(self) -> int:
        try:
            with open(self.path, "rb") as f:
                f.seek(self.offset)
                data = f.read()
        except OSError:
            return self.lines
        self.offset += len(data)
        self.lines += data.count(b"\n")
        return self.lines


class TreeSampler(threading.Thread):
    """Samples the tree's PSS every ``interval`` seconds until ``stop()``.

    ``samples`` holds (monotonic time, PSS KiB, processes, lines) where ``lines`` is what the
    optional ``progress`` callable answered at that moment (records written so far)."""

    def __init__(self, root: int, session: int | None = None, interval: float = 0.2,
                 progress: Callable[[], int] | None = None, snapshot_every: int = 0):
        super().__init__(daemon=True)
        self.root, self.session, self.interval, self.progress = root, session, interval, progress
        # every ``snapshot_every`` records: (records, time, [(pid, kind, PSS KiB)]) in ``snapshots``
        self.snapshot_every = snapshot_every
        self.snapshots: list[tuple[int, float, list[tuple[int, str, int]]]] = []
        self.samples: list[tuple[float, int, int, int]] = []
        self.peak_breakdown: dict[str, tuple[int, int]] = {}
        self._peak = 0
        self._cpu: dict[int, float] = {}     # pid -> CPU seconds at its last sample
        self._kinds: dict[int, str] = {}
        self._stop_event = threading.Event()

    def sample(self) -> tuple[float, int, int, int]:
        cpu: dict[int, float] = {}
        pss, procs = tree_pss_kib(self.root, self.session, cpu)
        for pid in cpu:
            # looked up again until final: /usr/bin/chromium is a shell script that execs the browser
            if self._kinds.get(pid, "?") in ("?", "sh", "bash", "dash", "exe", "gone"):
                self._kinds[pid] = process_kind(pid)
        self._cpu.update(cpu)
        lines = self.progress() if self.progress else 0
        row = (time.monotonic(), pss, procs, lines)
        if self.snapshot_every and lines // self.snapshot_every > len(self.snapshots) - 1:
            self.snapshots.append((lines, row[0], [(pid, self._kinds.get(pid) or process_kind(pid), pss_kib(pid))
                                                   for pid in sorted(cpu)]))
        if pss > self._peak:  # a new peak: what the tree is made of at that moment
            self._peak = pss
            self.peak_breakdown = breakdown(self.root, self.session)
        self.samples.append(row)
        return row

    def run(self) -> None:
        while not self._stop_event.is_set():
            started = time.monotonic()
            self.sample()
            self._stop_event.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    @property
    def peak_kib(self) -> int:
        return self._peak

    def cpu_by_kind(self) -> dict[str, float]:
        """CPU seconds by process kind, as last sampled (work done in the last 0.2 s before a
        process exited is missed; the rusage total is exact)."""
        out: dict[str, float] = {}
        for pid, seconds in self._cpu.items():
            kind = self._kinds.get(pid, "?").split(" ")[0] if self._kinds.get(pid, "").startswith("chromium") \
                else self._kinds.get(pid, "?")
            out[kind] = out.get(kind, 0.0) + seconds
        return out
