"""The cyclic collector around bulk phases."""

from __future__ import annotations

import gc

import pytest

from conflictmap import gctools


def test_gctools_paused_pauses_and_restores() -> None:
    assert gc.isenabled()
    with gctools.paused():
        assert not gc.isenabled()
        with gctools.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner block leaves it paused
    assert gc.isenabled()


def test_gctools_a_library_call_freezes_nothing() -> None:
    before = gc.get_freeze_count()
    with gctools.paused():
        kept = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == before
    del kept


def test_gctools_one_command_keeps_a_bulk_phase_out_of_the_collector(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """In the command's process, what a paused block made is frozen, not walked again."""
    monkeypatch.setattr(gctools, "_ONE_COMMAND", False)
    gctools.one_command()
    try:
        with gctools.paused():
            kept = [[i] for i in range(1000)]
        assert gc.get_freeze_count() >= 1000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    del kept
