"""The output set is all or none: kills at each step of the switch, failing renames, a
target that is a folder, a read-only folder, two runs at once, what killed runs leave."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conflictmap import outputset
from conflictmap.cli import main
from conflictmap.store import atomic_files, read_events, read_render_index
from hostile_helpers import CAPTURE_NL

OUTPUTS = ("events.csv", "events.geojson", "events.gpkg", "events.render.json", "map.html",
           "unresolved.csv")
# what differs between the two builds' sets (both name only known places: no unresolved row)
CHANGED = OUTPUTS[:-1]
SRC = str(Path(__file__).parents[1] / "src")


def _articles(folder: Path, day: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "a.txt").write_text(f" date {day} {CAPTURE_NL}\n", encoding="utf-8")
    return folder


def _snapshot(out: Path) -> dict[str, bytes]:
    return {p.name: b"<folder>" if p.is_dir() else p.read_bytes()
            for p in sorted(out.iterdir())}


@pytest.fixture
def previous(tmp_path, monkeypatch) -> tuple[Path, dict[str, bytes]]:
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache.sqlite"))
    out = tmp_path / "out"
    assert main(["-q", "build", str(_articles(tmp_path / "one", "2024-02-17")), "--out",
                 str(out), "-j", "1"]) == 0
    snapshot = _snapshot(out)
    assert sorted(snapshot) == list(OUTPUTS)
    return out, snapshot


def _build(tmp_path: Path, out: Path, fault: str | None = None,
           ) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "CI": "1",
           "CONFLICTMAP_CACHE": str(tmp_path / "cache.sqlite")}
    env.pop(outputset.FAULT_ENV, None)
    if fault:
        env[outputset.FAULT_ENV] = fault
    return subprocess.run(
        [sys.executable, "-m", "conflictmap", "-q", "build",
         str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out), "-j", "1"],
        env=env, capture_output=True, text=True, timeout=120, check=False)


def _all_new(out: Path, before: dict[str, bytes]) -> None:
    now = _snapshot(out)
    assert sorted(now) == list(OUTPUTS), sorted(now)
    assert all(now[name] != before[name] for name in CHANGED)
    assert read_render_index(out / "events.geojson") is not None  # it matches the GeoJSON
    assert read_events(out / "events.gpkg") == read_events(out / "events.geojson")


@pytest.mark.parametrize("point", ["outputs:commit", *(f"outputs:rename:{i}" for i in
                                                       range(1, 5))])
def test_outputset_kill_during_the_switch_is_finished_by_the_next_reader(
        previous, tmp_path, point):
    out, before = previous
    done = _build(tmp_path, out, point)
    assert done.returncode == -signal.SIGKILL, done.stderr
    now = _snapshot(out)
    assert any(name.startswith(outputset.STAGING) for name in now)
    # a reader (conflictmap render reads the GeoJSON) finishes the set first: all new
    assert main(["-q", "render", str(out / "events.geojson"), "-o",
                 str(tmp_path / "m.html")]) == 0
    _all_new(out, before)


@pytest.mark.parametrize("point", ["outputs:commit", "outputs:rename:2"])
def test_outputset_kill_during_the_switch_is_finished_by_the_next_build(
        previous, tmp_path, point):
    out, before = previous
    assert _build(tmp_path, out, point).returncode == -signal.SIGKILL
    assert main(["-q", "build", str(tmp_path / "one"), "--out", str(out), "-j", "1"]) == 0
    now = _snapshot(out)  # the old articles again: the same files as then
    assert sorted(now) == list(OUTPUTS)
    assert {k: v for k, v in now.items() if k != "events.gpkg"} == {
        k: v for k, v in before.items() if k != "events.gpkg"}  # a GeoPackage is dated
    assert read_events(out / "events.gpkg") == read_events(out / "events.geojson")


def test_outputset_kill_before_the_commit_leaves_the_old_set(previous, tmp_path):
    out, before = previous
    assert _build(tmp_path, out, "outputs:staged").returncode == -signal.SIGKILL
    visible = {k: v for k, v in _snapshot(out).items() if not k.startswith(".")}
    assert visible == before
    assert main(["-q", "render", str(out / "events.geojson"), "-o",
                 str(tmp_path / "m.html")]) == 0
    assert _snapshot(out) == before  # the staged files are gone, the old set stays


def test_outputset_failing_rename_leaves_the_old_set(previous, tmp_path, monkeypatch, capsys):
    out, before = previous
    calls = []
    real = os.replace

    def replace(src, dst):
        calls.append(dst)
        if len(calls) == 3:
            raise OSError(5, "Input/output error", str(src))
        real(src, dst)

    monkeypatch.setattr(outputset, "_replace", replace)
    capsys.readouterr()
    code = main(["build", str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out),
                 "-j", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert len(err.strip().splitlines()) == 1 and str(calls[2]) in err, err
    assert outputset.STAGING not in err
    assert _snapshot(out) == before


def test_outputset_target_that_is_a_folder_leaves_the_old_set(previous, tmp_path, capsys):
    out, before = previous
    (out / "map.html").unlink()
    (out / "map.html").mkdir()
    before = _snapshot(out)
    capsys.readouterr()
    code = main(["build", str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out),
                 "-j", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and str(out / "map.html") in err and "folder" in err, err
    assert _snapshot(out) == before


@pytest.mark.parametrize("args", [["--out", ""], ["--out", "FILE"]])
def test_outputset_out_option_errors_are_one_line(tmp_path, capsys, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "FILE").write_text("mine")
    code = main(["build", str(_articles(tmp_path / "a", "2024-03-01")), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "--out" in err and "expected" in err, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["FILE", "a"]
    assert (tmp_path / "FILE").read_text() == "mine"


def test_outputset_two_runs_do_not_interleave(tmp_path):
    """While another process holds the folder, a writer waits; then it writes."""
    folder = tmp_path / "out"
    folder.mkdir()
    release = tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time, os\n"
         "from conflictmap.outputset import folder_lock\n"
         "with folder_lock(sys.argv[1]) as mine:\n"
         "    print(mine, flush=True)\n"
         "    while not os.path.exists(sys.argv[2]):\n"
         "        time.sleep(0.02)\n",
         str(folder), str(release)],
        env={**os.environ, "PYTHONPATH": SRC}, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "True"
        finished = threading.Event()

        def write() -> None:
            with atomic_files(folder) as stage:
                stage("a.txt").write_text("new")
            finished.set()

        thread = threading.Thread(target=write)
        thread.start()
        assert not finished.wait(0.5)  # waiting for the other run
        assert not (folder / "a.txt").exists()
        release.write_text("")
        assert finished.wait(20)
        thread.join()
        assert (folder / "a.txt").read_text() == "new"
    finally:
        release.write_text("")
        holder.wait(20)
        if holder.stdout is not None:
            holder.stdout.close()


def test_outputset_stale_staged_files_go_whatever_their_age(tmp_path):
    """Once a writer holds the folder, what a killed run of ours left is stale even when
    its process id is alive again (reused) and the files are fresh."""
    folder = tmp_path / "out"
    folder.mkdir()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        pid = sleeper.pid
        staging = folder / f"{outputset.STAGING}.{pid}.abc123"
        staging.mkdir()
        (staging / "events.csv").write_text("half")
        legacy = folder / f".events.gpkg.{pid}.x1.staged.gpkg"
        temp = folder / f".a.txt.{pid}.zz9.tmp"
        for path in (legacy, temp):
            path.write_text("half")
        theirs = folder / ".notes.tmp"
        theirs.write_text("not ours")
        with atomic_files(folder) as stage:
            stage("a.txt").write_text("new")
        assert sorted(p.name for p in folder.iterdir()) == [".notes.tmp", "a.txt"]
    finally:
        sleeper.kill()
        sleeper.wait()


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0:
        return False
    path.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture
def tmpfs(tmp_path):
    """A small file system of its own (root and mount only: else skipped)."""
    path = tmp_path / "fs"
    if not _mount_tmpfs(path, "4m"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_outputset_read_only_folder_is_one_line_naming_it(tmpfs, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CONFLICTMAP_CACHE", str(tmp_path / "cache.sqlite"))
    out = tmpfs / "out"
    assert main(["-q", "build", str(_articles(tmp_path / "one", "2024-02-17")), "--out",
                 str(out), "-j", "1"]) == 0
    before = _snapshot(out)
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    capsys.readouterr()
    code = main(["build", str(_articles(tmp_path / "two", "2024-03-01")), "--out", str(out),
                 "-j", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and str(out) in err and "Read-only" in err, err
    assert outputset.STAGING not in err
    assert _snapshot(out) == before


def test_outputset_disk_full_keeps_the_old_set_and_the_cache(tmpfs, tmp_path, capsys):
    """A full disk: one line naming the output, the old outputs and a usable cache kept;
    the next run, with room, succeeds from the cache."""
    env = {"CONFLICTMAP_CACHE": str(tmpfs / ".cache" / "c.sqlite")}
    out = tmpfs / "out"
    many = tmp_path / "many"
    many.mkdir()
    for i in range(40):
        (many / f"a{i}.txt").write_text(f" date 2024-03-{1 + i % 28:02d} {CAPTURE_NL}\n"
                                        f"{'Lorem ipsum dolor. ' * 400}\n", encoding="utf-8")
    old = os.environ.get("CONFLICTMAP_CACHE")
    os.environ.update(env)
    try:
        assert main(["-q", "build", str(_articles(tmp_path / "one", "2024-02-17")), "--out",
                     str(out), "-j", "1"]) == 0
        before = _snapshot(out)
        filler = tmpfs / "filler"
        with open(filler, "wb") as handle:  # all but about 40 KB of the disk
            free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
            handle.write(b"\0" * max(0, free - 40_000))
        capsys.readouterr()
        code = main(["build", str(many), "--out", str(out), "-j", "1"])
        err = capsys.readouterr().err
        assert code == 2
        errors = [line for line in err.splitlines() if "ERROR" in line]
        assert len(errors) == 1 and "No space left on device" in errors[0], err
        assert str(out) in errors[0] and outputset.STAGING not in err, err
        assert "Traceback" not in err
        assert _snapshot(out) == before
        filler.unlink()
        assert main(["-q", "build", str(many), "--out", str(out), "-j", "1"]) == 0
        assert sorted(_snapshot(out)) == list(OUTPUTS)
        assert len(read_events(out / "events.geojson")) >= 1
    finally:
        if old is None:
            os.environ.pop("CONFLICTMAP_CACHE", None)
        else:
            os.environ["CONFLICTMAP_CACHE"] = old


def test_outputset_gpkg_writer_on_a_full_disk_names_the_file(tmp_path):
    from conflictmap.synthetic import synthetic_events
    from conflictmap.writers import dump_gpkg

    path = tmp_path / "fs"
    if not _mount_tmpfs(path, "200k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        with pytest.raises(OSError) as info:
            dump_gpkg(list(synthetic_events(3000)), path / "events.gpkg")
        assert info.value.errno == 28 and info.value.filename == str(path / "events.gpkg")
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_outputset_lock_is_reentrant_in_one_process(tmp_path):
    with atomic_files(tmp_path) as stage:
        stage("a.txt").write_text("a")
        from conflictmap.store import write_csv

        write_csv([], tmp_path / "b.csv")  # the same folder, inside the set's lock
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.csv"]


def test_outputset_single_file_errors_name_the_target(tmpfs, tmp_path, capsys):
    """`render -o` and `extract -o` into a read-only folder: the error names the file asked
    for, not the hidden temp file beside it."""
    from conflictmap.store import write_geojson
    from conflictmap.synthetic import synthetic_events

    events = tmp_path / "events.geojson"
    write_geojson(list(synthetic_events(5)), events)
    (tmpfs / "out").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    target = tmpfs / "out" / "map.html"
    capsys.readouterr()
    assert main(["render", str(events), "-o", str(target)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{target}: Read-only file system" in err, err
    assert ".tmp" not in err


def test_outputset_gdal_errors_are_named_os_errors(tmp_path, monkeypatch):
    import geopandas
    import pyogrio.errors

    from conflictmap.synthetic import synthetic_events
    from conflictmap.writers import dump_gpkg

    def broken(self, path, *args, **kwargs):
        raise pyogrio.errors.DataSourceError("something GDAL did not like")

    monkeypatch.setattr(geopandas.GeoDataFrame, "to_file", broken)
    with pytest.raises(OSError) as info:
        dump_gpkg(list(synthetic_events(3)), tmp_path / "e.gpkg")
    assert info.value.filename == str(tmp_path / "e.gpkg") and info.value.errno == 5
    assert "something GDAL did not like" in info.value.strerror
