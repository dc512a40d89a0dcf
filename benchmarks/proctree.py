"""Run a command and measure its wall time and memory, standard library only (no psutil).

Two memory figures, because they answer different questions:

* **tree RSS peak**: a thread samples /proc every ~50 ms and sums the resident set size of the process and
  all its descendants (the `kg build` process and its forked workers); the largest sum is reported. Pages a
  forked worker still shares with its parent are counted once per process, so this over-states what the
  machine really had to find when there are workers.
* **largest process peak**: the high-water RSS of the single largest process of the tree, from the kernel
  (the rusage that ``os.wait4`` returns for the child covers it and every descendant it reaped) and from the
  samples. With no workers the two figures are about the same; the gap between them shows the workers.

On a system without /proc (not Linux) the tree figure is None and only the kernel's figure is given.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
INTERVAL = 0.05
MB = 2**20


@dataclass
class Measured:
    wall: float  # seconds; inf when the time limit killed it
    tree_peak_mb: float | None  # max over samples of the summed RSS of the tree; None without /proc
    proc_peak_mb: float  # max RSS of the largest single process of the tree (kernel rusage, or samples)
    samples: int
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False


def _children(pid: int) -> list[int]:
    """Direct children of ``pid`` (every thread's), from /proc/PID/task/TID/children."""
    kids: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return kids
    for task in tasks:
        try:
            kids.extend(int(k) for k in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return kids


def _children_by_scan(pid: int) -> list[int]:
    """The same, for kernels built without /proc/PID/task/TID/children: scan every process's parent."""
    kids = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses: split after the last ')'
        fields = stat[stat.rfind(")") + 2:].split()
        if len(fields) > 1 and fields[1] == str(pid):
            kids.append(int(entry.name))
    return kids


def _have_children_file() -> bool:
    return (PROC / "self" / "task" / str(os.getpid()) / "children").exists()


def tree_rss(root: int, children=_children) -> tuple[int, int]:
    """(summed RSS in bytes of ``root`` and all its descendants, largest single RSS in bytes)."""
    total = largest = 0
    todo, seen = [root], set()
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        try:
            resident = int((PROC / str(pid) / "statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue  # gone between listing and reading
        total += resident
        largest = max(largest, resident)
        todo.extend(children(pid))
    return total, largest


class _Sampler(threading.Thread):
    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.stop = threading.Event()
        self.tree_peak = self.proc_peak = self.samples = 0
        self.children = _children if _have_children_file() else _children_by_scan

    def run(self) -> None:
        while True:
            total, largest = tree_rss(self.pid, self.children)
            if total:
                self.samples += 1
                self.tree_peak = max(self.tree_peak, total)
                self.proc_peak = max(self.proc_peak, largest)
            if self.stop.wait(INTERVAL):
                return


def _maxrss_mb(usage: resource.struct_rusage) -> float:
    # Linux reports kilobytes, macOS bytes
    return usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)


def run_measured(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float | None = None) -> Measured:
    """Run ``cmd``; its output goes to temporary files (a child blocked on a full pipe would never end).

    On timeout the child's whole process group (it runs in a session of its own) is killed and
    ``timed_out`` is set; ``wall`` is then inf."""
    launcher_mb = _maxrss_mb(resource.getrusage(resource.RUSAGE_SELF))  # what a child inherits (see below)
    with tempfile.TemporaryFile() as out_file, tempfile.TemporaryFile() as err_file:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out_file, stderr=err_file, start_new_session=True)
        sampler = _Sampler(proc.pid) if PROC.is_dir() else None
        if sampler:
            sampler.start()
        expired = threading.Event()

        def kill() -> None:
            expired.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group of the child we started, workers included
            except ProcessLookupError:
                pass

        timer = threading.Timer(timeout, kill) if timeout is not None else None
        if timer:
            timer.start()
        # wait4, not Popen.wait: it also returns the rusage of the child and the descendants it reaped
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # Ctrl-C reaches only us (the child has its own session): end what we started
            kill()
            os.waitpid(proc.pid, 0)
            raise
        wall = time.perf_counter() - started
        if timer:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, so Popen must not wait again
        if sampler:
            sampler.stop.set()
            sampler.join()
        out_file.seek(0)
        err_file.seek(0)
        stdout = out_file.read().decode("utf-8", "replace")
        stderr = err_file.read().decode("utf-8", "replace")
    # A command shorter than one interval may have no sample: the kernel's figure is then the floor of both. But
    # Linux keeps a process's high-water RSS across fork and exec, so a child starts with ours (a large parent,
    # such as a long pytest run, made a 40 MB child "156 MB"): where the kernel's figure is no more than that,
    # it says nothing of the child, and the samples are the figure.
    kernel = _maxrss_mb(usage)
    inherited = kernel <= launcher_mb * 1.02 and sampler is not None and sampler.samples > 0
    proc_peak = max(0 if inherited else kernel, (sampler.proc_peak if sampler else 0) / MB)
    tree_peak = max(sampler.tree_peak / MB, proc_peak) if sampler else None
    return Measured(wall=float("inf") if expired.is_set() else wall, tree_peak_mb=tree_peak,
                    proc_peak_mb=proc_peak, samples=sampler.samples if sampler else 0,
                    returncode=proc.returncode, stdout=stdout, stderr=stderr, timed_out=expired.is_set())
