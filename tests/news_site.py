"""A news site on 127.0.0.1 for the reading and fetching tests: pages written for these
tests in the shape of real outlets' pages (a Dutch public broadcaster, a Flemish paper, a
wire service, a live blog, an English outlet; the text is invented, no news is copied), a
feed of them, and the failures a real crawl meets (404, 500, a redirect loop, a hanging
server, a huge page, a non-HTML answer, a feed that is not XML, wrong and missing charsets,
a 503 that passes, a robots.txt that forbids a folder).

Each outlet page carries its article (``Story``): its paragraphs, title and date, so a
test knows what the main text must hold and what furniture it must not.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape


@dataclass(frozen=True)
class Story:
    """An invented article: where it is served, its title, date as the page gives it,
    the precision that date has (1 day, 3 month), its paragraphs, and the page furniture
    around it (which the main text must leave out)."""

    path: str
    title: str
    date: str
    precision: int
    paragraphs: tuple[str, ...]
    furniture: tuple[str, ...]
    lang: str


NOS = Story(
    "/nieuws/artikel/2551234-rebellen-rukken-op", "Rebellen nemen Hama in",
    "2024-12-05", 1,
    ("Rebellen hebben donderdag de stad Hama ingenomen, meldt een woordvoerder van de groep.",
     "Het Syrische leger trok zich in de nacht terug naar het zuiden, zeggen inwoners.",
     "Volgens ooggetuigen reden tientallen voertuigen met strijders door de straten."),
    ("Wij gebruiken cookies", "Lees ook", "Meer over Syrië", "Aangepast vandaag", "Binnenland"),
    "nl")

VRT = Story(
    "/nl/2024/12/01/m23-goma", "M23 verovert Goma na dagen van gevechten", "2024-12-01", 1,
    ("De rebellen van M23 hebben de stad Goma veroverd, zeggen bewoners aan de telefoon.",
     "Het Congolese leger heeft nog niet gereageerd op de berichten over de val van de stad.",
     "Hulporganisaties maken zich zorgen over de duizenden ontheemden rond het meer."),
    ("Reageer op dit artikel", "Meest gelezen", "Abonneer je", "Lees ook"), "nl")

WIRE = Story(
    "/world/europe/2024/11/20/kurakhove-village", "Russia says it captured Kurakhove",
    "2024-11-20", 1,
    ("Russian forces captured the town of Kurakhove on Wednesday, the Russian defence "
     "ministry said in a statement.",
     "Ukrainian officials did not immediately confirm the claim, and the wire could not "
     "verify it independently."),
    ("Sign up for our newsletter", "Related coverage", "Our Standards"), "en")

LIVE = Story(
    "/live/2024-02-17-oekraine", "Live: Oekraïne trekt zich terug uit Avdiivka",
    "2024-02-17", 1,
    ("Oekraïense troepen hebben zich zaterdag teruggetrokken uit Avdiivka, zegt de "
     "legerleiding in Kyiv.",
     "De terugtrekking volgt op maanden van zware gevechten rond de stad."),
    ("Deel dit bericht", "Volg ons live", "Lees ook"), "nl")

ENGLISH = Story(
    "/world/2024/dec/07/homs-rebels", "Rebels reach the gates of Homs", "2024-12-07", 1,
    ("Rebel fighters entered the city of Homs on Saturday, residents said.",
     "Government troops were seen leaving the city in long convoys heading west."),
    ("Most viewed", "Comments", "Sign in", "Support our journalism"), "en")

MONTHLY = Story(
    "/analyse/frontlinie-overzicht", "De frontlinie in november", "2024-11", 3,
    ("In november namen Russische troepen het dorp Kurakhove in, na weken van gevechten.",
     "Oekraïense eenheden bleven vechten in de omgeving van de stad."),
    ("Lees ook", "Nieuwsbrief"), "nl")

STORIES = (NOS, VRT, WIRE, LIVE, ENGLISH, MONTHLY)


def _paras(story: Story) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in story.paragraphs)


def nos_page(story: Story = NOS) -> str:
    """A Dutch public broadcaster: meta dates, nav, cookie banner, 'Lees ook', a headline
    stamp with times, a footer."""
    return f"""<!DOCTYPE html>
<html lang="nl"><head><meta charset="utf-8"><title>{escape(story.title)} | NOS-achtig</title>
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.date}T11:51:00+01:00">
<meta property="article:modified_time" content="{story.date}T13:25:00+01:00">
<link rel="canonical" href="https://omroep.example{story.path}"></head>
<body><div id="cookies">Wij gebruiken cookies om de site te verbeteren. Akkoord?</div>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/binnenland">Binnenland</a></li>
<li><a href="/buitenland">Buitenland</a></li></ul></nav></header>
<main><article><h1>{escape(story.title)}</h1>
<div class="stamp"><time datetime="{story.date}T11:51">vandaag, 11:51</time> •
Aangepast vandaag, 13:25</div>
{_paras(story)}
</article>
<aside><h2>Lees ook</h2><ul><li><a href="/a">Meer over Syrië: wat we weten</a></li>
<li><a href="/b">Wat betekent dit voor de regio?</a></li></ul></aside></main>
<footer><p>Binnenland · Buitenland · Sport</p><p>© 2024 Omroep</p></footer></body></html>"""


def vrt_page(story: Story = VRT) -> bytes:
    """A Flemish paper, saved in windows-1252 as its meta says: JSON-LD date, a byline,
    related articles and a comments section."""
    html = f"""<html lang="nl-BE"><head>
<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">
<title>{escape(story.title)} - De Krant</title>
<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle",
"headline": "{story.title}", "datePublished": "{story.date}T08:00:00+01:00"}}</script>
</head><body><nav><a href="/">Home</a> <a href="/abo">Abonneer je</a></nav>
<div class="article"><h1>{escape(story.title)}</h1>
<p class="byline">Door Els Peeters · café-redactie</p>
<div class="article-body">{_paras(story)}</div></div>
<section class="related"><h3>Meest gelezen</h3>
<ul><li><a href="/x">Lees ook: een ander stuk</a></li>
<li><a href="/y">Nog een ander stuk</a></li></ul></section>
<section id="comments"><h3>Reageer op dit artikel</h3>
<div class="comment">Wat een nieuws!</div></section>
</body></html>"""
    return html.encode("cp1252")


def wire_page(story: Story = WIRE) -> str:
    """A wire service: no date in the markup at all, only in the URL."""
    return f"""<html lang="en"><head><meta charset="utf-8"><title>{escape(story.title)}</title>
</head><body><header><a href="/">Wire</a>
<a href="/newsletter">Sign up for our newsletter</a></header>
<article><h1>{escape(story.title)}</h1>{_paras(story)}
<p class="standards"><a href="/standards">Our Standards</a></p></article>
<aside><h2>Related coverage</h2><a href="/r1">Earlier: fighting near the town</a></aside>
</body></html>"""


def live_page(story: Story = LIVE) -> str:
    """A live blog: timestamped entries, share buttons."""
    entries = "\n".join(
        f'<div class="entry"><time datetime="{story.date}T{9 + i:02d}:00">{9 + i}:00</time>'
        f"<p>{escape(p)}</p><button>Deel dit bericht</button></div>"
        for i, p in enumerate(story.paragraphs))
    return f"""<html lang="nl"><head><meta charset="utf-8"><title>{escape(story.title)}</title>
<meta property="article:published_time" content="{story.date}T09:00:00+01:00"></head>
<body><nav><a href="/">Home</a> <a href="/live">Volg ons live</a></nav>
<main><h1>{escape(story.title)}</h1><div class="liveblog">{entries}</div></main>
<aside><h2>Lees ook</h2><a href="/z">Achtergrond bij de oorlog</a></aside></body></html>"""


def english_page(story: Story = ENGLISH) -> str:
    """An English outlet: og tags, comments, most viewed, a support banner."""
    return f"""<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<title>{escape(story.title)} | World news</title>
<meta property="og:title" content="{escape(story.title)}">
<meta property="article:published_time" content="{story.date}T18:02:00Z"></head>
<body><header><a href="/signin">Sign in</a><nav><a href="/world">World</a></nav></header>
<div class="banner">Support our journalism today</div>
<article><h1>{escape(story.title)}</h1>{_paras(story)}</article>
<aside><h2>Most viewed</h2><ol><li><a href="/m1">A popular story</a></li></ol></aside>
<section id="comments"><h2>Comments</h2><p>First!</p></section></body></html>"""


def monthly_page(story: Story = MONTHLY) -> str:
    """An analysis page that gives only the month it covers."""
    return f"""<html lang="nl"><head><meta charset="utf-8"><title>{escape(story.title)}</title>
<meta name="date" content="{story.date}"></head><body><nav><a href="/">Home</a></nav>
<article><h1>{escape(story.title)}</h1>{_paras(story)}</article>
<aside><h2>Lees ook</h2><a href="/n">Nieuwsbrief</a></aside></body></html>"""


UNDATED = """<html lang="nl"><head><meta charset="utf-8"><title>Over ons</title></head>
<body><article><h1>Over ons</h1><p>Wij zijn een redactie die al jaren verslag doet van de
oorlogen in de wereld, met correspondenten in vele landen.</p><p>Onze journalisten werken
onafhankelijk en volgens de regels van de beroepsgroep.</p></article></body></html>"""

FURNITURE_ONLY = """<html><head><meta charset="utf-8"><title>Home</title>
<meta property="article:published_time" content="2024-12-01T08:00:00Z"></head>
<body><nav><a href="/a">Binnenland</a><a href="/b">Buitenland</a></nav></body></html>"""


def feed_xml(base: str, stories: tuple[Story, ...] = STORIES, extra: tuple[str, ...] = (),
             ) -> bytes:
    items = "\n".join(
        f"<item><title>{escape(s.title)}</title><link>{base}{s.path}</link>"
        f"<guid>{base}{s.path}</guid></item>" for s in stories)
    items += "\n".join(f"<item><title>x</title><link>{escape(u)}</link></item>" for u in extra)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test feed</title><link>{base}/</link><description>d</description>"
            f"{items}</channel></rss>").encode()


Route = tuple[int, dict[str, str], bytes] | Callable[["Handler"], None]


class Handler(BaseHTTPRequestHandler):
    server: NewsSite  # type: ignore[assignment]

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server
        site.requests.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))
        route = site.routes.get(self.path.split("?")[0])
        if route is None:
            self.send_error(404, "Not Found")
            return
        if callable(route):
            route(self)
            return
        status, headers, body = route
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class NewsSite(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, str, float]] = []
        self.hits: dict[str, int] = {}
        self.stop = threading.Event()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def html(self, path: str, body: str | bytes, charset: str | None = "utf-8") -> None:
        kind = f"text/html; charset={charset}" if charset else "text/html"
        self.routes[path] = (200, {"Content-Type": kind},
                             body.encode("utf-8") if isinstance(body, str) else body)

    def paths(self) -> list[str]:
        return [p for p, _, _ in self.requests]


def _hang(handler: Handler) -> None:
    handler.server.stop.wait(5)  # answers nothing until the test ends (or 5 s)


def _trickle(handler: Handler) -> None:
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html")
    handler.end_headers()
    for _ in range(40):
        if handler.server.stop.wait(0.1):
            return
        try:
            handler.wfile.write(b"<p>slow</p>")
            handler.wfile.flush()
        except OSError:
            return


def _redirect_loop(handler: Handler) -> None:
    handler.send_response(302)
    handler.send_header("Location", "/loop")
    handler.send_header("Content-Length", "0")
    handler.end_headers()


def _busy_then_ok(handler: Handler) -> None:
    site = handler.server
    site.hits["/busy"] = site.hits.get("/busy", 0) + 1
    if site.hits["/busy"] <= 2:
        handler.send_response(503)
        handler.send_header("Retry-After", "0")
        handler.send_header("Content-Length", "0")
        handler.end_headers()
        return
    body = nos_page(BUSY).encode()
    handler.send_response(200)
    handler.send_header("Content-Type", "text/html; charset=utf-8")
    handler.send_header("Content-Length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


BUSY = Story("/busy", "Leger herovert Kupiansk", "2024-10-03", 1,
             ("Het Oekraïense leger heeft de stad Kupiansk heroverd, meldt de legerleiding.",),
             (), "nl")


def start_site() -> NewsSite:
    """The site, serving in a thread (``site.shutdown()`` and ``site.stop.set()`` end it)."""
    site = NewsSite()
    for story, page in ((NOS, nos_page()), (WIRE, wire_page()), (LIVE, live_page()),
                        (ENGLISH, english_page()), (MONTHLY, monthly_page())):
        site.html(story.path, page)
    site.html(VRT.path, vrt_page(), charset=None)  # the charset only in the page's meta
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                feed_xml(site.base))
    site.routes["/robots.txt"] = (200, {"Content-Type": "text/plain"},
                                  b"User-agent: *\nDisallow: /private/\n")
    site.html("/private/secret", nos_page())
    site.html("/undated", UNDATED)
    site.html("/furniture", FURNITURE_ONLY)
    site.routes["/error"] = (500, {"Content-Type": "text/html"}, b"<h1>Internal error</h1>")
    site.routes["/loop"] = _redirect_loop
    site.routes["/hang"] = _hang
    site.routes["/trickle"] = _trickle
    site.routes["/busy"] = _busy_then_ok
    site.routes["/huge"] = (200, {"Content-Type": "text/html"},
                            b"<html><body>" + b"<p>vulling</p>" * 500_000 + b"</body></html>")
    site.routes["/photo.png"] = (200, {"Content-Type": "image/png"},
                                 b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    site.routes["/notxml.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                  b"this is { not a feed")
    wrong = nos_page(NOS).replace("Syrische", "Syrische café").encode("cp1252")
    site.html("/wrong-charset", wrong, charset="utf-8")  # says UTF-8, is windows-1252
    site.html("/no-charset", english_page().replace("Homs", "Homs — café").encode("cp1252"),
              charset=None)
    thread = threading.Thread(target=site.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    return site
