"""Shared fixtures: the repo's folders and the sample corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def articles_dir() -> Path:
    return ROOT / "articles"


@pytest.fixture(scope="session")
def gold_path() -> Path:
    """The public gold annotations of the sample articles (copied from shared/eval)."""
    return ROOT / "tests" / "data" / "seed_gold.jsonl"


@pytest.fixture(autouse=True)
def _plain_logging():
    """The CLI configures the 'conflictmap' logger for a terminal (also from module-scoped
    fixtures); every test starts from a plain, propagating logger so caplog sees records."""
    import logging

    logger = logging.getLogger("conflictmap")
    logger.handlers[:], logger.level, logger.propagate = [], logging.NOTSET, True
    yield
