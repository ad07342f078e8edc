"""Saved web pages against the same articles as text: pages/s for reading alone and for the
whole build (read, extract, consolidate, write the map), cold (no cache).

    python benchmarks/bench_pages.py [--pages 5000] [--jobs 2] [--seed 1]

The articles are bench_extract's generated ones (~3 KB, Dutch and English, 0-3 control
changes each); each is written once as a text file (' date ...') and once as a saved page
in the shape of an outlet's (navigation, cookie banner, headline stamp, "Lees ook"/related
lists, comments, footer; three shapes in turn), so both builds have the same events to find.
Target (issue 26): the build on pages is at least 0.7 times as fast as the build on text.
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import make_article

from conflictmap.articles import read_articles
from conflictmap.model import Article
from conflictmap.pipeline import build

TARGET = 0.7


def _paragraphs(article: Article) -> str:
    return "\n".join(f"<p>{html.escape(p.strip())}</p>"
                     for p in article.text.split("\n") if p.strip())


def page(article: Article, shape: int) -> str:
    """The article as a saved page of one of three outlet shapes."""
    title = html.escape(article.text.split(".")[0][:80])
    day = article.published
    body = _paragraphs(article)
    if shape == 0:  # a public broadcaster
        return f"""<!DOCTYPE html><html lang="{article.lang}"><head><meta charset="utf-8">
<title>{title} | Omroep</title>
<meta property="article:published_time" content="{day}T11:51:00+01:00">
</head><body><div id="cookies">Wij gebruiken cookies. Akkoord?</div>
<header><nav><a href="/">Home</a><a href="/binnenland">Binnenland</a><a href="/b">Buitenland</a>
</nav></header><main><article><h1>{title}</h1><div class="stamp"><time datetime="{day}T11:51">
vandaag, 11:51</time> • Aangepast vandaag, 13:25</div>{body}</article>
<aside><h2>Lees ook</h2><ul><li><a href="/a">Ander nieuws</a></li><li><a href="/c">Meer</a></li>
</ul></aside></main><footer>© Omroep</footer></body></html>"""
    if shape == 1:  # a paper with JSON-LD, related articles and comments
        return f"""<html lang="{article.lang}"><head><meta charset="utf-8"><title>{title}</title>
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{day}T08:00:00Z"}}
</script></head><body><nav><a href="/">Home</a> <a href="/abo">Abonneer je</a></nav>
<div class="article"><h1>{title}</h1><p class="byline">Door de redactie</p>
<div class="article-body">{body}</div></div><section class="related"><h3>Meest gelezen</h3>
<ul><li><a href="/x">Een ander stuk</a></li></ul></section><section id="comments">
<h3>Reageer</h3><div class="comment">Goed stuk.</div></section></body></html>"""
    return f"""<html lang="{article.lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta property="og:title" content="{title}"><meta property="article:published_time"
content="{day}T18:02:00Z"></head><body><header><a href="/signin">Sign in</a></header>
<article><h1>{title}</h1>{body}</article><aside><h2>Most viewed</h2><ol><li>
<a href="/m">A story</a></li></ol></aside></body></html>"""


def write_corpus(folder: Path, count: int, seed: int) -> tuple[Path, Path]:
    rng = random.Random(seed)
    texts, pages = folder / "texts", folder / "pages"
    texts.mkdir()
    pages.mkdir()
    for n in range(count):
        article = make_article(n, rng)
        title = article.text.split(".")[0][:80]
        # the text version holds what the page's main text holds: the headline, then the text
        (texts / f"{n:05d}.txt").write_text(
            f" date {article.published}\n{title}\n\n{article.text}\n", encoding="utf-8")
        (pages / f"{n:05d}.html").write_text(page(article, n % 3), encoding="utf-8")
    return texts, pages


def timed_read(folder: Path) -> tuple[int, float]:
    started = time.perf_counter()
    count = sum(1 for _ in read_articles([folder]))
    return count, time.perf_counter() - started


def timed_build(folder: Path, out: Path, jobs: int) -> tuple[int, int, float]:
    started = time.perf_counter()
    summary = build([folder], out, cache=False, jobs=jobs, offline=True)
    return summary.articles, summary.events, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        root = Path(tmp)
        texts, pages = write_corpus(root, args.pages, args.seed)
        read_text = timed_read(texts)
        read_pages = timed_read(pages)
        print(f"read {read_text[0]} text files: {read_text[0] / read_text[1]:,.0f} articles/s")
        print(f"read {read_pages[0]} saved pages: {read_pages[0] / read_pages[1]:,.0f} pages/s")
        built_text = timed_build(texts, root / "out-text", args.jobs)
        built_pages = timed_build(pages, root / "out-pages", args.jobs)
        print(f"build on text ({built_text[0]} articles, {built_text[1]} events, "
              f"{args.jobs} jobs): {built_text[0] / built_text[2]:,.0f} articles/s")
        print(f"build on pages ({built_pages[0]} pages, {built_pages[1]} events, "
              f"{args.jobs} jobs): {built_pages[0] / built_pages[2]:,.0f} pages/s")
        ratio = (built_pages[0] / built_pages[2]) / (built_text[0] / built_text[2])
        verdict = "meets" if ratio >= TARGET else "MISSES"
        print(f"build on pages is {ratio:.2f}x as fast as on text ({verdict} the target "
              f"{TARGET}x)")


if __name__ == "__main__":
    main()
