"""Re-render a date range from an existing event store (issue 5: <= 2 s for 100,000 events).

Writes a synthetic store of --events events (``conflictmap.synthetic.write_event_store``)
under --dir (default /tmp/conflictmap-rerender, never in the repo), then prints:

- read: ``store.scan_events`` up to the end of the range (wall and CPU seconds);
- render: ``pipeline.render_map`` on what was read (wall and CPU seconds);
- the end-to-end command ``conflictmap render STORE --from --to -o map.html`` in a fresh
  process, --runs times: wall, CPU (user + system) and peak RSS of the child;
- the load average: the machine is shared, so compare CPU seconds between runs.

Usage: python benchmarks/bench_rerender.py [--events 100000] [--format geojson|jsonl]
       [--from 2023-01-01] [--to 2023-06-30] [--runs 3] [--dir /tmp/conflictmap-rerender]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def ensure_store(directory: Path, n: int, fmt: str) -> Path:
    from conflictmap.synthetic import write_event_store

    store = directory / f"events-{n}.{fmt}"
    if not store.exists():
        directory.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        write_event_store(store, n)
        print(f"wrote {store} ({store.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
    return store


def stages(store: Path, date_from: date, date_to: date) -> None:
    """Read and render in this process (imports excluded: they are in the CLI figures)."""
    import conflictmap.render  # noqa: F401 - import time is not a stage
    from conflictmap.pipeline import render_map, window_for
    from conflictmap.store import scan_events

    wall, cpu = time.perf_counter(), time.process_time()
    events, count = scan_events(store, max(date_from, date_to))
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    window = window_for(events, date_from, date_to)
    page = render_map(events, window=window, lang="en", offline=False)
    render_wall, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"read   {read_wall:6.2f} s wall {read_cpu:6.2f} s CPU  ({count:,} records, "
          f"{len(events):,} built: they start by {window.end if window else '-'})")
    print(f"render {render_wall:6.2f} s wall {render_cpu:6.2f} s CPU  "
          f"({len(page) / 1e6:.1f} MB page)")


def cli_run(store: Path, date_from: str, date_to: str, out: Path) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS KB) of one `conflictmap render` in a fresh process."""
    command = [sys.executable, "-m", "conflictmap", "-q", "render", str(store),
               "--from", date_from, "--to", date_to, "-o", str(out)]
    env = dict(os.environ, CI="1")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"`{' '.join(command)}` failed ({process.returncode})")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--format", choices=("geojson", "jsonl"), default="geojson")
    parser.add_argument("--from", dest="date_from", default="2023-01-01")
    parser.add_argument("--to", dest="date_to", default="2023-06-30")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/conflictmap-rerender"))
    parser.add_argument("--no-stages", action="store_true", help="only the CLI runs")
    args = parser.parse_args()
    store = ensure_store(args.dir, args.events, args.format)
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())} on "
          f"{os.cpu_count()} CPUs")
    if not args.no_stages:
        stages(store, date.fromisoformat(args.date_from), date.fromisoformat(args.date_to))
    out = args.dir / "map.html"
    command = (f"conflictmap render {store} --from {args.date_from} --to {args.date_to} "
               f"-o {out}")
    runs = [cli_run(store, args.date_from, args.date_to, out) for _ in range(args.runs)]
    for wall, cpu, rss in runs:
        print(f"cli    {wall:6.2f} s wall {cpu:6.2f} s CPU  peak RSS {rss / 1024:5.0f} MB")
    best = min(runs)
    print(f"`{command}`: best {best[0]:.2f} s wall, min CPU {min(r[1] for r in runs):.2f} s, "
          f"peak RSS {max(r[2] for r in runs) / 1024:.0f} MB (target: <= 2 s)")


if __name__ == "__main__":
    main()
