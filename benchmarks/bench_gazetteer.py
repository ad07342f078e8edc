#!/usr/bin/env python3
"""Gazetteer and place-recognition figures: speed and accuracy.

    python benchmarks/bench_gazetteer.py [--repeat 5]

Prints: load time, name lookups per second, find_places cost per KB (and articles per
second for a 3 KB article), the seed toponyms found within 10 km, false town mentions in the
sample articles, and the share of benchmarks/data/towns_wars.jsonl (town names from many wars,
each in a short Dutch or English sentence) resolved within 10 km. Exit code 1 when a target
is missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from pathlib import Path

from conflictmap.gazetteer import Gazetteer
from conflictmap.model import Mention, PlaceKind
from conflictmap.toponyms import find_places

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "articles"
SEED = ROOT.parent / "shared" / "eval" / "seed_toponyms.jsonl"
TOWNS = ROOT / "benchmarks" / "data" / "towns_wars.jsonl"
TARGETS = {"load_s": 0.5, "lookups_per_s": 100_000, "ms_per_kb": 0.3, "towns_share": 0.98}


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine), kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def best_of(repeat: int, fn) -> float:  # type: ignore[no-untyped-def]
    """The fastest of ``repeat`` runs of fn(), in seconds of CPU time."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        fn()
        times.append(time.process_time() - t0)
    return min(times)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def bench_speed(gaz: Gazetteer, repeat: int) -> dict[str, float]:
    load = best_of(repeat, Gazetteer.load)
    names = [r["name"] for r in read_jsonl(TOWNS)] * 20
    gaz.lookup("warm-up")
    lookups = len(names) / best_of(repeat, lambda: [gaz.lookup(n) for n in names])
    texts = [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*.txt"))]
    for t in texts:
        find_places(t, gaz, "nl")
    kb = sum(len(t.encode("utf-8")) for t in texts) / 1000
    per_kb = best_of(repeat, lambda: [find_places(t, gaz, "nl") for t in texts]) * 1000 / kb
    return {"load_s": load, "lookups_per_s": lookups, "ms_per_kb": per_kb}


def bench_seed(gaz: Gazetteer) -> tuple[int, int, list[str], list[str]]:
    """(towns found within 10 km, gold towns, misses, false town mentions)."""
    gold = read_jsonl(SEED)
    found: dict[str, list[Mention]] = {}
    for path in sorted(ARTICLES.glob("*.txt")):
        found[path.name] = find_places(path.read_text(encoding="utf-8"), gaz, "nl")
    hits, misses = 0, []
    towns = [g for g in gold if g["kind"] == "town"]
    for g in towns:
        ok = [
            m
            for m in found[g["file"]]
            if m.as_written == g["as_written"]
            and km(g["lat"], g["lon"], m.place.lat, m.place.lon) <= 10
        ]
        if ok:
            hits += 1
        else:
            misses.append(f"{g['file']}: {g['as_written']}")
    false = []
    for name, mentions in found.items():
        gold_towns = [g for g in towns if g["file"] == name]
        for m in mentions:
            if m.place.kind is PlaceKind.TOWN and not any(
                km(g["lat"], g["lon"], m.place.lat, m.place.lon) <= 10 for g in gold_towns
            ):
                false.append(f"{name}: {m.as_written!r} -> {m.place.id} {m.place.name}")
    return hits, len(towns), misses, false


def bench_towns(gaz: Gazetteer) -> tuple[int, int, list[str]]:
    """(resolved within 10 km, rows, failures) over towns_wars.jsonl."""
    rows = read_jsonl(TOWNS)
    hits, failures = 0, []
    for r in rows:
        start = r["sentence"].index(r["name"])
        mentions = [m for m in find_places(r["sentence"], gaz, r["lang"]) if m.start == start]
        got = mentions[0].place if mentions else None
        if got and km(r["lat"], r["lon"], got.lat, got.lon) <= 10:
            hits += 1
        else:
            what = (
                f"{got.id} {got.name} ({got.country}) {got.lat:.3f},{got.lon:.3f}" if got else "-"
            )
            failures.append(f"[{r['war']}/{r['lang']}] {r['name']!r}: got {what}")
    return hits, len(rows), failures


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args(argv)
    gaz = Gazetteer.load()
    speed = bench_speed(gaz, args.repeat)
    print(
        f"gazetteer: {len(gaz):,} places, version {gaz.version}; "
        f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(f"load:          {speed['load_s']:.3f} s            (target < {TARGETS['load_s']} s)")
    print(f"lookups:       {speed['lookups_per_s']:,.0f} /s   (target >= 100,000 /s)")
    per_article = 3 * speed["ms_per_kb"]
    print(
        f"find_places:   {speed['ms_per_kb']:.3f} ms/KB = {1000 / per_article:,.0f} articles/s "
        f"of 3 KB per core (target < {TARGETS['ms_per_kb']} ms/KB)"
    )
    hits, total, misses, false = bench_seed(gaz)
    print(f"seed towns:    {hits}/{total} found within 10 km; false town mentions: {len(false)}")
    for line in misses + false:
        print("   ", line)
    t_hits, t_total, failures = bench_towns(gaz)
    share = t_hits / t_total
    print(f"towns_wars:    {t_hits}/{t_total} = {share:.1%} within 10 km (target >= 98%)")
    for line in failures:
        print("   ", line)
    ok = (
        speed["load_s"] < TARGETS["load_s"]
        and speed["lookups_per_s"] >= TARGETS["lookups_per_s"]
        and speed["ms_per_kb"] < TARGETS["ms_per_kb"]
        and not misses
        and not false
        and share >= TARGETS["towns_share"]
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
