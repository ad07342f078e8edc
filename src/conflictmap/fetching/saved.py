"""Where a fetched article goes: one file per URL under ``articles/<host>/``, in the
front-matter format ``build`` reads (``sources.text``), written atomically (a temporary
hidden file renamed over the target: an interrupted run leaves no half file). The file's
name is made from the URL alone, so a URL already fetched is known without a request."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import urllib.parse
from pathlib import Path

_SLUG = re.compile(r"[^a-z0-9]+")
_LINE = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")


def article_path(folder: Path, url: str) -> Path:
    """The file a URL's article is kept in: <folder>/<host>/<slug>-<hash>.md."""
    parts = urllib.parse.urlsplit(url)
    host = _SLUG.sub("-", parts.netloc.lower()).strip("-")[:60] or "site"
    last = [p for p in parts.path.split("/") if p]
    slug = _SLUG.sub("-", (last[-1] if last else "index").lower()).strip("-")[:60] or "page"
    digest = hashlib.blake2b(url.encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
    return folder / host / f"{slug}-{digest}.md"


def _field(value: str) -> str:
    return " ".join(_LINE.sub(" ", value).split())[:500]


def front_matter_text(meta: dict[str, str], text: str) -> str:
    """The file's text: a '---' front matter (one line a field) and the article's text."""
    lines = ["---", *(f"{key}: {_field(value)}" for key, value in meta.items() if value),
             "---", ""]
    return "\n".join(lines) + text.strip() + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a hidden temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
