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
    logger.handlers[:], logger.propagate = [], True
    logger.setLevel(logging.NOTSET)  # not a plain assignment: setLevel clears isEnabledFor's cache
    yield


class LocalNominatim:
    """A real HTTP server on 127.0.0.1 answering /search like Nominatim's JSON API.

    ``answers`` maps a query ``q`` to the JSON list to return; a ``q`` in ``fail`` gets a
    403; every request's path and query go to ``requests``.
    """

    def __init__(self) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        self.answers: dict[str, list[dict]] = {}
        self.fail: set[str] = set()
        self.requests: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                import json
                from urllib.parse import parse_qs, urlparse

                url = urlparse(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                owner.requests.append({"path": url.path, **query})
                if query.get("q") in owner.fail:
                    self.send_response(403)
                    self.end_headers()
                    return
                body = json.dumps(owner.answers.get(query.get("q", ""), [])).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,),
                                        daemon=True)
        self._thread.start()
        self.address = f"127.0.0.1:{self._httpd.server_address[1]}"
        self.url = f"http://{self.address}"

    def close(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join()


@pytest.fixture()
def nominatim():
    """A Nominatim-like geocoding server on loopback (no other network is used)."""
    server = LocalNominatim()
    yield server
    server.close()
