"""A polite HTTP client: a user agent that names the tool, robots.txt obeyed, at most one
request a second per host, timeouts (per read and for the whole answer), a size limit,
and retries with back-off on 429 and 503 (honouring Retry-After). Every failure is a
:class:`FetchError` with a one-line reason; nothing here raises anything else for a bad
server."""

from __future__ import annotations

import email.message
import http.client
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass

from conflictmap import __version__

log = logging.getLogger(__name__)

USER_AGENT = (f"conflictmap/{__version__} (news research tool; reads articles about "
              "territorial control; obeys robots.txt)")
ROBOTS_AGENT = "conflictmap"


class FetchError(Exception):
    """A URL that could not be fetched, with a one-line reason."""


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """``delay``: seconds between two requests to one host (at least this); ``timeout``:
    seconds a connection or read may stall, and twice that for a whole answer;
    ``retries``: further tries after a 429 or 503; ``backoff``: the first wait (doubled
    each try; a Retry-After up to ``max_wait`` is honoured instead); ``max_bytes``: the
    largest answer read."""

    delay: float = 1.0
    timeout: float = 20.0
    retries: int = 3
    backoff: float = 2.0
    max_wait: float = 60.0
    max_bytes: int = 5_000_000
    user_agent: str = USER_AGENT


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # after redirects
    status: int
    content_type: str
    charset: str | None
    body: bytes


class _NoRedirectLoops(urllib.request.HTTPRedirectHandler):
    max_redirections = 5
    max_repeats = 1


class PoliteClient:
    """GET with manners; one per run (it remembers each host's last request and
    robots.txt)."""

    def __init__(self, options: FetchOptions = FetchOptions(), *,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._opener = urllib.request.build_opener(_NoRedirectLoops())
        self.requests = 0

    def get(self, url: str, *, robots: bool = True) -> Response:
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise FetchError("not an http(s) URL")
        if robots and not self.allowed(url):
            raise FetchError("disallowed by the site's robots.txt")
        for attempt in range(self.options.retries + 1):
            try:
                return self._once(url)
            except urllib.error.HTTPError as exc:
                if exc.code in (429, 503) and attempt < self.options.retries:
                    wait = self._retry_after(exc.headers, attempt)
                    log.info("%s: HTTP %d; trying again in %.1f s", url, exc.code, wait)
                    self._sleep(wait)
                    continue
                if 300 <= exc.code < 400:
                    raise FetchError(f"redirect loop or too many redirects (HTTP {exc.code})"
                                     ) from None
                raise FetchError(f"HTTP {exc.code} {exc.reason}".strip()) from None
        raise FetchError("gave up after retries")  # pragma: no cover - the loop returns

    def _retry_after(self, headers: email.message.Message | None, attempt: int) -> float:
        given = headers.get("Retry-After") if headers is not None else None
        if given and given.strip().isdigit():
            return min(float(given.strip()), self.options.max_wait)
        return min(self.options.backoff * 2 ** attempt, self.options.max_wait)

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = last + self.options.delay - self._clock()
            if wait > 0:
                self._sleep(wait)
        self._last[host] = self._clock()

    def _once(self, url: str) -> Response:
        host = urllib.parse.urlsplit(url).netloc.lower()
        self._wait_turn(host)
        self.requests += 1
        request = urllib.request.Request(url, headers={
            "User-Agent": self.options.user_agent,
            "Accept": "text/html,application/xhtml+xml,application/rss+xml,"
                      "application/atom+xml,application/xml;q=0.9,*/*;q=0.5"})
        deadline = self._clock() + 2 * self.options.timeout
        try:
            with self._opener.open(request, timeout=self.options.timeout) as answer:
                body = self._read(answer, deadline)
                info = answer.headers
                return Response(answer.geturl(), answer.status,
                                info.get_content_type(), info.get_content_charset(), body)
        except urllib.error.HTTPError:
            raise
        except TimeoutError:
            raise FetchError(f"no answer within {self.options.timeout:g} s (a slow or hanging "
                             "server)") from None
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, TimeoutError):
                raise FetchError(f"no answer within {self.options.timeout:g} s") from None
            raise FetchError(f"cannot connect ({getattr(reason, 'strerror', None) or reason})"
                             ) from None
        except (http.client.HTTPException, ConnectionError, OSError) as exc:
            raise FetchError(f"broken answer ({type(exc).__name__}: {exc})"[:200]) from None

    def _read(self, answer: http.client.HTTPResponse, deadline: float) -> bytes:
        limit = self.options.max_bytes
        length = answer.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > limit:
            raise FetchError(f"the page is {int(length):,} bytes, over the {limit:,}-byte limit")
        chunks, size = [], 0
        while True:
            chunk = answer.read1(65536) if hasattr(answer, "read1") else answer.read(65536)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > limit:
                raise FetchError(f"the page is over the {limit:,}-byte limit")
            if self._clock() > deadline:
                raise FetchError(f"the answer took over {2 * self.options.timeout:g} s "
                                 "(a server that trickles)")
            chunks.append(chunk)

    def allowed(self, url: str) -> bool:
        """What the host's robots.txt says of ``url`` for this tool: allowed when it has
        none (4xx), disallowed when it cannot be read (5xx, no answer: RFC 9309)."""
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._load_robots(origin)
        rules = self._robots[origin]
        return True if rules is None else rules.can_fetch(ROBOTS_AGENT, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        rules = urllib.robotparser.RobotFileParser(f"{origin}/robots.txt")
        try:
            answer = self.get(f"{origin}/robots.txt", robots=False)
        except FetchError as exc:
            text = str(exc)
            if text.startswith("HTTP 4") and not text.startswith(("HTTP 401", "HTTP 403")):
                return None  # no robots.txt: everything is allowed
            log.warning("%s/robots.txt: %s; not fetching from %s this run", origin, text,
                        origin)
            rules.disallow_all = True
            return rules
        rules.parse(answer.body.decode("utf-8", errors="replace").splitlines())
        return rules
