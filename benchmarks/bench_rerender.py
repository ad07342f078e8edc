"""Re-render a date range from an existing event store (issue 5: <= 2 s for 100,000 events).

Writes a synthetic store of --events events (``conflictmap.synthetic.synthetic_events``)
under --dir (default /tmp/conflictmap-rerender, never in the repo) as ``conflictmap build``
writes it: events-N.geojson with its render index events-N.render.json beside it
(``store.write_indexed_geojson``); with --no-index, a hard link to the GeoJSON alone in
--dir/geojson-only/, so the renderer reads the GeoJSON. Then it prints:

- read: the render index (both digests, parsing), or ``store.scan_events`` up to the end of
  the range (wall and CPU seconds);
- render: the page from what was read (wall and CPU seconds);
- the end-to-end command ``conflictmap render STORE --from --to -o map.html`` in a fresh
  process, --runs times: wall, CPU (user + system) and peak RSS of the child;
- the load average: the machine is shared, so compare CPU seconds between runs.

Usage: python benchmarks/bench_rerender.py [--events 100000] [--format geojson|jsonl]
       [--from 2023-01-01] [--to 2023-06-30] [--runs 3] [--no-index]
       [--dir /tmp/conflictmap-rerender]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path


def ensure_store(directory: Path, n: int, fmt: str, index: bool) -> Path:
    """The store to render: written when missing (or, with an index, when the index does
    not match it); with index=False, a GeoJSON or JSON Lines file with no index beside."""
    from conflictmap.store import write_indexed_geojson, write_jsonl
    from conflictmap.synthetic import synthetic_events

    store = directory / f"events-{n}.{fmt}"
    directory.mkdir(parents=True, exist_ok=True)
    fresh = store.exists() and (fmt != "geojson" or _index_is_current(store))
    if not fresh:
        started = time.perf_counter()
        events = list(synthetic_events(n))
        (write_indexed_geojson if fmt == "geojson" else write_jsonl)(events, store)
        print(f"wrote {store} ({store.stat().st_size / 1e6:.0f} MB) in "
              f"{time.perf_counter() - started:.1f} s")
    if index or fmt != "geojson":
        return store
    plain = directory / "geojson-only" / store.name
    plain.parent.mkdir(exist_ok=True)
    if plain.exists() and not plain.samefile(store):
        plain.unlink()
    if not plain.exists():
        os.link(store, plain)
    return plain


def _index_is_current(store: Path) -> bool:
    """Whether the render index matches the store and this code (its page frame and side
    labels were made by the code now installed: else render would import folium)."""
    from conflictmap.render import indexed_frame, indexed_labels
    from conflictmap.store import read_render_index

    payload = read_render_index(store)
    return (payload is not None and indexed_frame(payload, offline=False) is not None
            and indexed_labels(payload, "en") is not None)


def stages(store: Path, date_from: date, date_to: date) -> None:
    """Read and render in this process, as `conflictmap render` does (imports excluded:
    they are in the CLI figures)."""
    import argparse as _argparse

    import conflictmap.render
    from conflictmap.cli import _render_indexed
    from conflictmap.outputs import render_map
    from conflictmap.store import read_render_index, scan_events
    from conflictmap.window import window_for

    wall, cpu = time.perf_counter(), time.process_time()
    payload = read_render_index(store)
    if payload is not None:
        read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
        args = _argparse.Namespace(events_file=store, date_from=date_from, date_to=date_to,
                                   lang="en", offline=False)
        wall, cpu = time.perf_counter(), time.process_time()
        page, count = _render_indexed(payload, args) or ("", 0)
        render_wall, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"read   {read_wall:6.2f} s wall {read_cpu:6.2f} s CPU  (the render index: "
              f"digests of {store.name} and of the index, parsing)")
        print(f"render {render_wall:6.2f} s wall {render_cpu:6.2f} s CPU  ({count:,} events "
              f"as columns, {len(page) / 1e6:.1f} MB page)")
        return
    conflictmap.render.page_frame(False)  # imports folium: import time is not a stage
    wall, cpu = time.perf_counter(), time.process_time()
    events, count = scan_events(store, max(date_from, date_to))
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    window = window_for(events, date_from, date_to)
    page = render_map(events, window=window, lang="en", offline=False)
    render_wall, render_cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"read   {read_wall:6.2f} s wall {read_cpu:6.2f} s CPU  ({store.name} itself: "
          f"{count:,} records, {len(events):,} built: they start by "
          f"{window.end if window else '-'})")
    print(f"render {render_wall:6.2f} s wall {render_cpu:6.2f} s CPU  "
          f"({len(page) / 1e6:.1f} MB page)")


# `python -m conflictmap ARGS` that also reports its own peak RSS (VmHWM, which exec
# resets): the child's ru_maxrss from wait4 would count the memory of this process, which
# it was forked from.
_CHILD = """
import atexit, runpy, sys

def _peak():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                sys.stderr.write("peak-rss-kb " + line.split()[1] + "\\n")

atexit.register(_peak)
sys.argv[0] = "conflictmap"
runpy.run_module("conflictmap", run_name="__main__", alter_sys=True)
"""


def cli_run(store: Path, date_from: str, date_to: str, out: Path) -> tuple[float, float, int]:
    """(wall s, CPU s, peak RSS KB) of one `conflictmap render` in a fresh process."""
    command = [sys.executable, "-c", _CHILD, "-q", "render", str(store),
               "--from", date_from, "--to", date_to, "-o", str(out)]
    env = dict(os.environ, CI="1")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    err = process.stderr.read() if process.stderr else ""
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise SystemExit(f"`conflictmap render {store} ...` failed ({process.returncode}): "
                         f"{err}")
    peak = [int(line.split()[1]) for line in err.splitlines() if line.startswith("peak-rss-kb")]
    return wall, usage.ru_utime + usage.ru_stime, peak[-1] if peak else usage.ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--format", choices=("geojson", "jsonl"), default="geojson")
    parser.add_argument("--from", dest="date_from", default="2023-01-01")
    parser.add_argument("--to", dest="date_to", default="2023-06-30")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/conflictmap-rerender"))
    parser.add_argument("--no-stages", action="store_true", help="only the CLI runs")
    parser.add_argument("--no-index", action="store_true",
                        help="render from the GeoJSON itself (no render index beside it)")
    args = parser.parse_args()
    store = ensure_store(args.dir, args.events, args.format, index=not args.no_index)
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
