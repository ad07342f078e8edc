"""Peak memory of `conflictmap build` by corpus size: the whole process tree (the main
process and its extraction workers), at 10,000, 30,000 and 100,000 synthetic articles.

    python benchmarks/bench_build_memory.py [--sizes 10000 30000 100000] [--jobs 2]
        [--dir /tmp/conflictmap-bench]

For each size a JSON Lines corpus (conflictmap.synthetic, written under --dir once, never
in the repo) is built twice, each in a fresh process: ``cold`` extracts every article and
writes the report cache, ``warm`` reads them back from it. The tree's resident memory
(the sum of VmRSS over the main process and its descendants) is sampled every 0.1 s; the
main process's own peak (VmHWM) is read from /proc at its end. RSS counts the pages forked
workers share with the main process (the gazetteer) once per process, so the tree's figure
is an upper bound of what the machine gives the run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                todo.extend(int(p) for p in handle.read().split())
        except OSError:
            continue
    return out


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class TreeSampler:
    """The peak over time of the summed VmRSS of a process tree, and the main process's
    VmHWM as last seen."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.pid, self.every = pid, every
        self.peak_kb = 0
        self.main_hwm_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            total = sum(_status_kb(p, "VmRSS") for p in _tree(self.pid))
            self.peak_kb = max(self.peak_kb, total)
            self.main_hwm_kb = max(self.main_hwm_kb, _status_kb(self.pid, "VmHWM"))
            self._stop.wait(self.every)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def build(corpus: Path, out: Path, cache: Path, jobs: int) -> tuple[float, int, int]:
    """(wall seconds, tree peak KB, main peak KB) of one `conflictmap build`."""
    env = dict(os.environ, CI="1", CONFLICTMAP_CACHE=str(cache))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "conflictmap", "-q", "build", str(corpus), "--out", str(out),
         "-j", str(jobs)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True)
    sampler = TreeSampler(process.pid)
    _, err = process.communicate()
    sampler.stop()
    if process.returncode != 0:
        raise SystemExit(f"build of {corpus} failed ({process.returncode}): {err[-2000:]}")
    return time.perf_counter() - started, sampler.peak_kb, sampler.main_hwm_kb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 30_000, 100_000])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/conflictmap-bench"))
    args = parser.parse_args()
    from conflictmap.synthetic import write_jsonl

    args.dir.mkdir(parents=True, exist_ok=True)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
          f"--jobs {args.jobs}")
    for size in args.sizes:
        corpus = args.dir / f"memory-{size}.jsonl"
        if not corpus.exists():
            write_jsonl(corpus.with_suffix(".tmp"), size)
            corpus.with_suffix(".tmp").replace(corpus)
        work = args.dir / f"memory-{size}"
        shutil.rmtree(work, ignore_errors=True)
        for run in ("cold", "warm"):
            wall, tree_kb, main_kb = build(corpus, work / "out", work / "cache.sqlite",
                                           args.jobs)
            with open(work / "out" / "events.csv", encoding="utf-8") as handle:
                events = sum(1 for _ in handle) - 1
            print(f"{size:>7,} articles {run}: {wall:6.1f} s, peak RSS of the process tree "
                  f"{tree_kb / 1024:5.0f} MB (main process {main_kb / 1024:5.0f} MB), "
                  f"{events:,} events", flush=True)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
