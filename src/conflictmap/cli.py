"""The command line: a few lines per command over the library.

Exit codes: 0 success, 1 nothing usable was read, 2 a user error (bad option, bad file),
3 an internal error (reported in one line; -v shows the traceback).
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
from collections.abc import Iterator, Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any

from conflictmap import __version__, gctools
from conflictmap.errors import ConfigurationError, ConflictmapError

log = logging.getLogger(__name__)

COMMANDS = ("build", "fetch", "extract", "render", "eval", "places", "gazetteer")
EXTRACT_FORMATS = ("jsonl", "geojson", "csv")


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}") from None


def _lang(value: str) -> str:
    from conflictmap.articles import supported_languages

    if value not in supported_languages():
        raise argparse.ArgumentTypeError(
            f"unknown language {value!r}; valid: {', '.join(supported_languages())}")
    return value


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        jobs = -1
    if jobs < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {value!r}")
    return jobs


def _delay(value: str) -> float:
    try:
        delay = float(value)
    except ValueError:
        delay = -1.0
    if delay < 1.0:
        raise argparse.ArgumentTypeError(f"expected a number of seconds of at least 1 (one "
                                         f"request a second per site at most), found {value!r}")
    return delay


class _EmptyPath(type(Path())):  # type: ignore[misc]
    """An option's empty value (``--out ""``), kept apart from ``.``, which Path("") is."""

    def __str__(self) -> str:
        return ""


def _path(value: str) -> Path:
    return _EmptyPath() if value == "" else Path(value)


def _check_output(option: str, path: Path | None, folder: bool) -> None:
    """An output option names what it must: not nothing, and a folder or a file as asked.
    ConfigurationError (one line) before any work is done."""
    if path is None:
        return
    kind = "a folder" if folder else "a file"
    if isinstance(path, _EmptyPath):
        raise ConfigurationError(f"{option} is empty; expected the name of {kind}")
    if folder and path.exists() and not path.is_dir():
        raise ConfigurationError(f"{option} {path}: is a file; expected a folder for the "
                                 f"outputs (or a name that does not exist yet)")
    if not folder and path.is_dir():
        raise ConfigurationError(f"{option} {path}: is a folder; expected a file name")


def _add_range(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD",
                        help="show events from this date on (default: the earliest event)")
    parser.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD",
                        help="show events up to this date (default: the latest event)")
    parser.add_argument("--lang", type=_lang, metavar="nl|en",
                        help="language of the map page (default: most articles' language)")
    parser.add_argument("--corrections", type=Path, metavar="FILE",
                        help="an analyst's corrections file (default: corrections.csv beside "
                             "the overrides file, if there is one; see docs/CORRECTIONS.md)")
    parser.add_argument("--offline", action="store_true",
                        help="one self-contained HTML file: Leaflet inlined, a country-outline "
                             "basemap instead of web tiles")


def _add_reading(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--overrides", type=Path, metavar="FILE",
                        help="a gazetteer overrides file (see gazetteer/README.md)")
    parser.add_argument("--jobs", "-j", type=_jobs, default=0, metavar="N",
                        help="worker processes (or Dask workers) for extraction "
                             "(default 0 = all cores)")
    parser.add_argument("--cache", type=Path, default=True, metavar="FILE",
                        help="the report cache, so a re-run extracts only new or changed "
                             "articles (default: .cache/conflictmap.sqlite beside the output "
                             "folder, or in the working folder; $CONFLICTMAP_CACHE)")
    parser.add_argument("--no-cache", dest="cache", action="store_false",
                        help="neither read nor write the report cache")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="where extraction runs: local processes, or a Dask cluster "
                             "(needs conflictmap[dask]; default local)")
    parser.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                        help="the Dask scheduler to use with --engine dask (default: start "
                             "a local cluster of --jobs workers)")
    parser.add_argument("--geocode", action="store_true",
                        help="ask an online geocoder for towns the gazetteer lacks (off by "
                             "default; rate-limited, one process; answers are cached in "
                             "geocoded.json in the user folder (gazetteer/ in a checkout, "
                             "$CONFLICTMAP_HOME) so the next run is offline)")
    parser.add_argument("--geocoder", default="nominatim", type=str.lower, metavar="NAME",
                        help="the geocoder for --geocode (default nominatim; also photon, "
                             "arcgis, pelias, ...: see geopy)")
    parser.add_argument("--geocoder-url", metavar="URL",
                        help="base URL of a self-hosted geocoder, e.g. http://127.0.0.1:8080")


def _confidence(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 1:
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1, found {value!r}")
    return number


def _add_confidence(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--min-confidence", type=_confidence, default=0.0, metavar="0-1",
                        help="leave out events whose confidence is below this (0.8: only "
                             "the surer events); the map's confidence control starts here")


def _add_verbosity(parser: argparse.ArgumentParser, default: object) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", default=default,
                        help="print errors only")
    parser.add_argument("-v", "--verbose", action="store_true", default=default,
                        help="print debugging detail")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflictmap",
        description="Turn news articles about wars into a dated, sourced map of territorial "
                    "control changes. Without a command, runs 'build'.")
    parser.add_argument("--version", action="version", version=f"conflictmap {__version__}")
    _add_verbosity(parser, default=False)
    parser.set_defaults(quiet=False, verbose=False)
    common = argparse.ArgumentParser(add_help=False)
    _add_verbosity(common, default=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    build = sub.add_parser(
        "build", parents=[common], help="articles in, map.html and event files out")
    build.add_argument("articles", nargs="*", default=["articles"], metavar="ARTICLES",
                       help="article files or folders (default: articles/)")
    build.add_argument("--out", "-o", type=_path, default=Path("output"), metavar="DIR",
                       help="output folder (default: output/)")
    _add_range(build)
    _add_reading(build)
    _add_confidence(build)
    build.add_argument("--feed", action="append", default=[], metavar="FEED_URL",
                       help="fetch this RSS/Atom feed's new items into the first ARTICLES "
                            "folder first (as 'conflictmap fetch --feed'); may be repeated")

    fetch = sub.add_parser(
        "fetch", parents=[common],
        help="download articles (pages, or a feed's items) into articles/ for build")
    fetch.add_argument("urls", nargs="+", metavar="URL",
                       help="article page URLs (with --feed: RSS or Atom feed URLs)")
    fetch.add_argument("--feed", action="store_true",
                       help="the URLs are feeds: fetch the items not fetched before")
    fetch.add_argument("--into", type=Path, default=Path("articles"), metavar="DIR",
                       help="folder the articles go to (default: articles/)")
    fetch.add_argument("--delay", type=_delay, default=1.0, metavar="SECONDS",
                       help="seconds between two requests to one site (at least 1; default 1)")
    fetch.add_argument("--timeout", type=float, default=20.0, metavar="SECONDS",
                       help="seconds a server may stall before the page is given up "
                            "(default 20)")

    extract = sub.add_parser(
        "extract", parents=[common], help="print the events found in articles")
    extract.add_argument("articles", nargs="+", metavar="ARTICLES",
                         help="article files or folders")
    extract.add_argument("--format", "-f", choices=EXTRACT_FORMATS, default=None,
                         help="output format (default: from the --output file's extension "
                              "(.geojson, .csv, .jsonl), else jsonl, one event per line)")
    extract.add_argument("--output", "-o", type=_path, metavar="FILE",
                         help="write to this file (atomically) instead of standard output")
    _add_reading(extract)
    _add_confidence(extract)

    render = sub.add_parser(
        "render", parents=[common], help="re-render the map from an events file")
    render.add_argument("events_file", type=Path, metavar="EVENTS_FILE",
                        help="events.geojson, events.jsonl or events.gpkg from conflictmap")
    render.add_argument("--output", "-o", type=_path, default=Path("output/map.html"),
                        metavar="FILE", help="the map page to write (default: output/map.html)")
    _add_range(render)
    _add_confidence(render)

    evaluate = sub.add_parser(
        "eval", parents=[common], help="score extraction against gold annotations")
    evaluate.add_argument("--gold", type=Path, required=True, metavar="FILE",
                          help="gold events, JSON Lines (format in EVENTS.md)")
    evaluate.add_argument("articles", nargs="+", metavar="ARTICLES",
                          help="the annotated article files or folders")
    _add_reading(evaluate)

    places = sub.add_parser(
        "places", parents=[common], help="print the place mentions found in articles")
    places.add_argument("articles", nargs="+", metavar="ARTICLES",
                        help="article files or folders")
    places.add_argument("--format", "-f", choices=("jsonl",), default="jsonl",
                        help="output format (default: jsonl)")
    places.add_argument("--overrides", type=Path, metavar="FILE",
                        help="a gazetteer overrides file (see gazetteer/README.md)")

    gazetteer = sub.add_parser(
        "gazetteer", parents=[common], help="query the gazetteer")
    gaz_sub = gazetteer.add_subparsers(dest="gazetteer_command", metavar="ACTION", required=True)
    lookup = gaz_sub.add_parser(
        "lookup", parents=[common], help="candidates for a name and why one wins")
    lookup.add_argument("name", metavar="NAME", help="a place name as written in news")
    lookup.add_argument("--context", default="", metavar="TEXT",
                        help="a sentence or article text to disambiguate with")
    lookup.add_argument("--overrides", type=Path, metavar="FILE",
                        help="a gazetteer overrides file (see gazetteer/README.md)")
    return parser


def _setup_logging(quiet: bool, verbose: bool) -> None:
    level = logging.ERROR if quiet else logging.DEBUG if verbose else logging.WARNING
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("conflictmap: %(levelname)s: %(message)s"))
    root = logging.getLogger("conflictmap")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


def _say(text: str, quiet: bool) -> None:
    if not quiet:
        print(text)


def _reading(args: argparse.Namespace) -> dict[str, object]:
    """The extraction options shared by build, extract and eval."""
    options: dict[str, object] = {
        "overrides": args.overrides, "jobs": args.jobs, "cache": args.cache,
        "engine": args.engine, "scheduler": args.scheduler}
    if args.geocode:
        from conflictmap.engines import ExtractorSpec
        from conflictmap.geocode import geocoder_class

        geocoder_class(args.geocoder)  # an unknown name fails here, listing the valid ones
        options["spec"] = ExtractorSpec(str(args.overrides) if args.overrides else None,
                                        geocoder=args.geocoder, geocoder_url=args.geocoder_url)
        options["jobs"] = 1  # the geocoder's rate limit holds per process
    return options


def _fetch(urls: list[str], into: Path, feeds: bool, delay: float = 1.0,
           timeout: float = 20.0) -> Any:
    from conflictmap.fetching import FetchOptions, PoliteClient, fetch

    client = PoliteClient(FetchOptions(delay=delay, timeout=timeout))
    return fetch(urls, into, feeds=feeds, client=client)


def cmd_fetch(args: argparse.Namespace) -> int:
    summary = _fetch(args.urls, args.into, args.feed, args.delay, args.timeout)
    for line in summary.lines():
        _say(line, args.quiet)
    return 1 if summary.failed and not summary.saved and not summary.already else 0


def cmd_build(args: argparse.Namespace) -> int:
    from conflictmap.corrections import resolve_path
    from conflictmap.pipeline import build

    _check_output("--out", args.out, folder=True)
    if args.feed:
        folder = Path(args.articles[0]) if args.articles else Path("articles")
        for line in _fetch(args.feed, folder, True).lines():
            _say(line, args.quiet)
    summary = build(args.articles, args.out, date_from=args.date_from, date_to=args.date_to,
                    lang=args.lang, offline=args.offline, min_confidence=args.min_confidence,
                    corrections=resolve_path(args.corrections, args.overrides),
                    **_reading(args))
    for line in summary.lines():
        _say(line, args.quiet)
    if summary.articles == 0:
        log.error("no usable article was read from %s", ", ".join(map(str, args.articles)))
        return 1
    return 0


def _collect(args: argparse.Namespace):
    from conflictmap.pipeline import collect_events
    from conflictmap.runlog import RunLog

    runlog = RunLog()
    _, events = collect_events(args.articles, runlog, **_reading(args))
    return runlog, events


def cmd_extract(args: argparse.Namespace) -> int:
    from conflictmap import store
    from conflictmap.pipeline import stream_events, stream_lines
    from conflictmap.runlog import RunLog, not_read_lines

    # a stream: reports spill to disk by place and the events are written as they come
    # back sorted, so memory does not grow with the corpus (pipeline.stream_events); JSON
    # Lines are written as the lines come, no event built for them (pipeline.stream_lines)
    _check_output("--output", args.output, folder=False)
    runlog = RunLog()
    fmt = _output_format(args.format, args.output)
    jsonl = fmt == "jsonl"
    stream: Iterator[Any] = (stream_lines if jsonl else stream_events)(
        args.articles, runlog, **_reading(args))
    # the first event comes once every article is read and merged: nothing is written
    # before then, so a run that stops (an error, Ctrl-C) leaves no half a header
    if args.min_confidence:
        stream = _confident_items(stream, args.min_confidence, jsonl)
    first = list(islice(stream, 1))
    items = chain(first, stream)
    dump = {"jsonl": store.write_lines, "geojson": store.dump_geojson, "csv": store.dump_csv}
    if args.output:
        with store.atomic_write(args.output) as handle:
            dump[fmt](items, handle)
    else:
        dump[fmt](items, sys.stdout)
    for line in not_read_lines(dict(runlog.not_read)):
        log.warning("%s", line)
    return 0 if runlog.articles else 1


def _confident_items(items: Iterator[Any], min_confidence: float,
                     lines: bool) -> Iterator[Any]:
    """The events (or JSON lines of events) with a confidence of at least min_confidence."""
    import orjson

    from conflictmap.mapcolumns import percent

    floor = percent(min_confidence)
    for item in items:
        value = orjson.loads(item).get("confidence", 0.5) if lines else item.confidence
        if percent(value if isinstance(value, (int, float)) else 0.5) >= floor:
            yield item


_SUFFIX_FORMATS = {".geojson": "geojson", ".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


def _output_format(given: str | None, output: Path | None) -> str:
    """The format to write: --format, else the one the output file's extension names
    ("events.geojson" is GeoJSON), else JSON Lines. A --format that contradicts the
    extension is a mistake ("-f csv -o events.geojson"): ConfigurationError."""
    implied = _SUFFIX_FORMATS.get(output.suffix.lower()) if output is not None else None
    if given is None:
        return implied or "jsonl"
    if implied is not None and implied != given:
        raise ConfigurationError(
            f"--format {given} does not match the output file {output} (a {implied} "
            f"name); expected a file name ending in one of "
            f"{', '.join(k for k, v in _SUFFIX_FORMATS.items() if v == given)}, or no --format")
    return given


def cmd_render(args: argparse.Namespace) -> int:
    from conflictmap.corrections import resolve_path
    from conflictmap.store import atomic_write, read_render_index

    # events.geojson from `conflictmap build` has a render index beside it: the events as
    # columns, the page frame and the side labels, so no Event is built and folium is not
    # imported. Without one (or with one that does not match the file), read the file.
    _check_output("--output", args.output, folder=False)
    # with a corrections file, the events are read (the index holds no Event to correct)
    corrections = resolve_path(args.corrections)
    payload = read_render_index(args.events_file) if corrections is None else None
    fast = _render_indexed(payload, args) if payload is not None else None
    notes: list[str] = []
    html, count = fast if fast is not None else _render_read(args, corrections, notes)
    with atomic_write(args.output) as handle:
        handle.write(html)
    for line in notes:
        _say(line, args.quiet)
    _say(f"wrote {args.output} ({count} events in the file)", args.quiet)
    return 0


def _render_read(args: argparse.Namespace, corrections: Path | None = None,
                 notes: list[str] | None = None) -> tuple[str, int]:
    from conflictmap.outputs import render_map
    from conflictmap.pipeline import apply_corrections
    from conflictmap.store import scan_events
    from conflictmap.window import window_for

    # With both ends given, the window does not depend on the data, and no event that
    # starts after it is drawn or shapes the control history: those are checked, not built.
    until = (max(args.date_from, args.date_to) if args.date_from and args.date_to
             else None)
    events, count = scan_events(args.events_file, until)
    if corrections is not None:
        # corrections the build applied are there already: applying them again changes
        # nothing, and a rejected event is not in the file (so its line matches nothing)
        events, outcome = apply_corrections(events, corrections)
        if notes is not None:
            notes.extend(outcome.lines())
    window = window_for(events, args.date_from, args.date_to)
    html = render_map(events, window=window, lang=args.lang or "en", offline=args.offline,
                      min_confidence=args.min_confidence)
    return html, count


def _render_indexed(payload: dict, args: argparse.Namespace) -> tuple[str, int] | None:
    """What _render_read gives, from a render index; None (one warning) when it is not
    usable after all."""
    from conflictmap.render import (
        EventColumns,
        columns_span,
        indexed_frame,
        indexed_labels,
        render_columns,
    )
    from conflictmap.window import map_title, window_from

    lang = args.lang or "en"
    try:
        columns = EventColumns.from_json(payload["columns"])
        frame = indexed_frame(payload, args.offline)
        labels = indexed_labels(payload, lang)
        if labels is None:
            from conflictmap.actors import page_labels

            labels = page_labels(lang)
        window = window_from(columns_span(columns), args.date_from, args.date_to)
        html = render_columns(columns, window=window, title=map_title(window, lang),
                              lang=lang, offline=args.offline, side_labels=labels,
                              frame=frame, min_confidence=args.min_confidence)
    except Exception as exc:  # a damaged index is only a slower render
        log.warning("%s: the render index is not usable (%s: %s); reading the file",
                    args.events_file, type(exc).__name__, " ".join(str(exc).split())[:160])
        log.debug("render index", exc_info=True)
        return None
    return html, len(columns)


def cmd_eval(args: argparse.Namespace) -> int:
    from conflictmap.evaluate import evaluate, format_score

    runlog, events = _collect(args)
    print(format_score(evaluate(events, args.gold)))
    return 0 if runlog.articles else 1


def cmd_places(args: argparse.Namespace) -> int:
    import json

    from conflictmap.actors import default_lexicon, name_words
    from conflictmap.articles import read_articles
    from conflictmap.gazetteer import Gazetteer, default_gazetteer
    from conflictmap.runlog import RunLog
    from conflictmap.toponyms import find_places, place_records

    gazetteer = Gazetteer.load(overrides=args.overrides) if args.overrides else default_gazetteer()
    runlog = RunLog()
    lexicon = default_lexicon()
    languages = set(lexicon.languages())
    for article in runlog.count(read_articles(args.articles, on_skip=runlog.skip)):
        # as extraction finds them: actors' names do not glue to the place after them
        actors = lexicon.find(article.text, article.lang) if article.lang in languages else []
        mentions = find_places(article.text, gazetteer, article.lang, name_words(actors))
        for record in place_records(article, mentions):
            print(json.dumps(record, ensure_ascii=False))
    return 0 if runlog.articles else 1


def cmd_gazetteer(args: argparse.Namespace) -> int:
    from conflictmap.gazetteer import Gazetteer, default_gazetteer

    gazetteer = Gazetteer.load(overrides=args.overrides) if args.overrides else default_gazetteer()
    print(gazetteer.explain(args.name, args.context))
    return 0


HANDLERS = {"build": cmd_build, "fetch": cmd_fetch, "extract": cmd_extract, "render": cmd_render,
            "eval": cmd_eval,
            "places": cmd_places, "gazetteer": cmd_gazetteer}


def _with_default_command(argv: list[str]) -> list[str]:
    """`conflictmap` and `conflictmap --from ...` mean `conflictmap build ...`."""
    global_flags = {"-q", "--quiet", "-v", "--verbose"}
    i = 0
    while i < len(argv) and argv[i] in global_flags:
        i += 1
    rest = argv[i:]
    if rest and (rest[0] in COMMANDS or rest[0] in ("-h", "--help", "--version")):
        return argv
    return [*argv[:i], "build", *rest]


def _check_range(args: argparse.Namespace) -> None:
    start, end = getattr(args, "date_from", None), getattr(args, "date_to", None)
    if start and end and start > end:
        raise ConfigurationError(f"--from {start} is after --to {end}; expected --from <= --to")


def run() -> None:
    """The ``conflictmap`` command: :func:`main`, then exit without the interpreter's final
    walk over every object the run kept (``main`` itself can be called again)."""
    gctools.one_command()
    code = main()
    gctools.skip_exit_collection()
    raise SystemExit(code)


def _os_error(exc: OSError) -> str:
    """One line: the file, what went wrong, and for a full disk what to do."""
    where = f"{exc.filename}: " if exc.filename else ""
    text = f"{where}{exc.strerror or exc}"
    if exc.errno == errno.ENOSPC:
        text += ("; the previous outputs and the cache are kept: free some space and run "
                 "again")
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = make_parser().parse_args(_with_default_command(list(sys.argv[1:] if argv is None
                                                                else argv)))
    _setup_logging(args.quiet, args.verbose)
    try:
        _check_range(args)
        return HANDLERS[args.command](args)
    except ConflictmapError as exc:
        log.error("%s", exc)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        log.error("interrupted; earlier outputs are left as they were")
        return 130
    except OSError as exc:
        log.error("%s", _os_error(exc))
        return 2
    except Exception as exc:  # a bug of ours: one line, the traceback only with -v
        log.error("internal error (%s: %s); run with -v for the details and report it",
                  type(exc).__name__, exc)
        log.debug("internal error", exc_info=True)
        return 3
