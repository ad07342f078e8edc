"""An installed package finds its gazetteer inside itself and keeps the analyst's files out of
site-packages (the wheel itself is built, installed and run by scripts/check-wheel.sh in CI)."""

from __future__ import annotations

from pathlib import Path

from conflictmap import gazetteer
from conflictmap.corrections import default_path


def test_packaging_checkout_reads_the_source_tree(monkeypatch, repo_root: Path):
    monkeypatch.delenv("CONFLICTMAP_GAZETTEER", raising=False)
    monkeypatch.delenv("CONFLICTMAP_HOME", raising=False)
    assert gazetteer.default_directory() == repo_root / "gazetteer"
    assert gazetteer.user_directory() == repo_root / "gazetteer"  # as before: a checkout


def test_packaging_installed_copy_keeps_user_files_in_a_user_folder(monkeypatch, tmp_path):
    packaged = tmp_path / "site-packages" / "conflictmap" / "gazetteer_data"
    packaged.mkdir(parents=True)
    monkeypatch.setattr(gazetteer, "PACKAGED", packaged)
    monkeypatch.delenv("CONFLICTMAP_HOME", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    home = gazetteer.user_directory(packaged)
    assert home == tmp_path / "config" / "conflictmap"
    assert packaged not in home.parents and home != packaged
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path / "mine"))
    assert gazetteer.user_directory(packaged) == tmp_path / "mine"


def test_packaging_installed_copy_is_found_without_the_tree(monkeypatch, tmp_path):
    packaged = tmp_path / "gazetteer_data"
    packaged.mkdir()
    monkeypatch.setattr(gazetteer, "PACKAGED", packaged)
    fake = tmp_path / "lib" / "x" / "conflictmap" / "gazetteer.py"
    monkeypatch.setattr(gazetteer, "__file__", str(fake))
    monkeypatch.delenv("CONFLICTMAP_GAZETTEER", raising=False)
    assert gazetteer.default_directory() == packaged


def test_packaging_overrides_and_corrections_share_the_user_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path))
    assert default_path() == tmp_path / "corrections.csv"
    monkeypatch.setenv("CONFLICTMAP_GAZETTEER", str(tmp_path / "gaz"))
    from conflictmap.geocode import CACHE_NAME

    assert gazetteer.user_directory() / CACHE_NAME == tmp_path / "geocoded.json"
