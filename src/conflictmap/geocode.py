"""Optional online fallback for names the gazetteer lacks (off unless the user passes --geocode).

A narrow seam over geopy: one class, :class:`OnlineGeocoder`, wraps a geopy geocoder chosen by
name from :data:`GEOCODERS` (Nominatim by default), rate-limited with geopy's ``RateLimiter``,
with a user agent and a JSON cache (``geocoded.json`` in the user folder,
``gazetteer.user_directory``: gazetteer/ in a checkout, never site-packages). Every answer,
found or not, is cached, and :meth:`conflictmap.gazetteer.Gazetteer.load` reads the cache,
so the next run needs no network. A failing service is asked once a run (``.down``).

Cache format: ``{"<CC>|<name>": {"id", "name", "lat", "lon", "country", "address"} | null}``.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from conflictmap.errors import ConfigurationError, GeocoderError
from conflictmap.model import Place, PlaceKind

log = logging.getLogger(__name__)

GEOCODERS: dict[str, str] = {
    "nominatim": "Nominatim",
    "photon": "Photon",
    "arcgis": "ArcGIS",
    "geonames": "GeoNames",
    "opencage": "OpenCage",
    "pelias": "Pelias",
    "mapbox": "MapBox",
}
"""Service name -> geopy geocoder class. Nominatim needs no key; the others take
``api_key=``/``username=`` options as geopy documents."""

DEFAULT_USER_AGENT = "conflictmap/0.1 (war-news geoparser; https://github.com/conflictmap)"
CACHE_NAME = "geocoded.json"


def geocoder_class(service: str) -> type:
    """The geopy class for a service name; ConfigurationError lists the valid names."""
    try:
        class_name = GEOCODERS[service.lower()]
    except KeyError:
        raise ConfigurationError(
            f"unknown geocoder {service!r}; expected one of: {', '.join(sorted(GEOCODERS))}"
        ) from None
    import geopy.geocoders

    return getattr(geopy.geocoders, class_name)


class OnlineGeocoder:
    """Look names up with an online geocoder, politely and once: answers go to a JSON cache."""

    def __init__(
        self,
        service: str = "nominatim",
        *,
        cache_path: Path | None = None,
        user_agent: str = DEFAULT_USER_AGENT,
        min_delay_seconds: float = 1.0,
        error_wait_seconds: float = 5.0,
        timeout: float = 10.0,
        **options: Any,
    ) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        from conflictmap.gazetteer import user_directory

        self.service = service.lower()
        cls = geocoder_class(self.service)
        self._geocoder = cls(user_agent=user_agent, timeout=timeout, **options)
        self._geocode = RateLimiter(
            self._geocoder.geocode,
            min_delay_seconds=min_delay_seconds,
            max_retries=1,
            error_wait_seconds=error_wait_seconds,
            swallow_exceptions=False,
        )
        self.cache_path = Path(cache_path) if cache_path else user_directory() / CACHE_NAME
        self.cache: dict[str, dict | None] = read_cache(self.cache_path)
        self.requests = 0
        self.down = ""  # why the service failed: it is not asked again in this run
        self.skipped = 0  # names not asked since

    def geocode(self, name: str, country: str = "") -> Place | None:
        """The place an online geocoder gives for ``name`` (in ``country`` if given), or None.

        The first failure of the service raises GeocoderError (the caller says so once);
        after it the service is not asked again in this run: names the cache lacks get
        None, uncached, so a later run asks for them."""
        key = cache_key(name, country)
        if key not in self.cache:
            if self.down:
                self.skipped += 1
                log.debug("%s is down (%s): %r not asked", self.service, self.down, name)
                return None
            self.cache[key] = self._ask(name, country)
            write_cache(self.cache_path, self.cache)
        record = self.cache[key]
        return place_from_record(record) if record else None

    def _ask(self, name: str, country: str) -> dict | None:
        from geopy.exc import GeopyError

        kwargs: dict[str, Any] = {"exactly_one": True}
        if country and self.service == "nominatim":
            kwargs["country_codes"] = country.lower()
        self.requests += 1
        try:
            location = self._geocode(name, **kwargs)
        except GeopyError as exc:
            self.down = f"{type(exc).__name__}: {exc}"
            raise GeocoderError(f"{self.service} geocoder failed for {name!r}: {exc}; not "
                                f"asking it again in this run") from exc
        if location is None:
            log.info("%s: no result for %r", self.service, name)
            return None
        return self._record(name, country, location)

    def _record(self, name: str, country: str, location: Any) -> dict:
        raw = location.raw if isinstance(location.raw, dict) else {}
        osm = f"{raw.get('osm_type', '')[:1]}{raw.get('osm_id', '')}"
        ident = f"{self.service}:{osm}" if osm.strip() else f"{self.service}:{_slug(name)}"
        address = raw.get("address") if isinstance(raw.get("address"), dict) else {}
        code = str(address.get("country_code", "") or country).upper()[:2]
        return {
            "id": ident,
            "name": name,
            "lat": float(location.latitude),
            "lon": float(location.longitude),
            "country": code,
            "address": location.address,
        }


def cache_key(name: str, country: str = "") -> str:
    return f"{country.upper()}|{name.strip()}"


def place_from_record(record: dict) -> Place:
    """A Place from one cache record (kind town: the fallback is for villages and towns)."""
    return Place(
        id=str(record["id"]),
        name=str(record["name"]),
        kind=PlaceKind.TOWN,
        lat=float(record["lat"]),
        lon=float(record["lon"]),
        country=str(record.get("country", "")),
    )


def read_cache(path: Path) -> dict[str, dict | None]:
    """The cache file's entries ({} when it does not exist)."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:  # unreadable, not UTF-8, not JSON
        from conflictmap.errors import GazetteerError

        raise GazetteerError(f"geocoder cache is not valid JSON ({exc})", path) from None
    if not isinstance(data, dict):
        from conflictmap.errors import GazetteerError

        raise GazetteerError("expected a JSON object of name -> place or null", path)
    return data


def write_cache(path: Path, cache: dict[str, dict | None]) -> None:
    """Write the cache atomically (a temporary file renamed over the old one)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".geocoded-", suffix=".json", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(cache, f, ensure_ascii=False, indent=1, sort_keys=True)
    os.replace(tmp, path)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "place"
