"""geocode.py against a real HTTP server on 127.0.0.1 answering like Nominatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from conflictmap.errors import ConfigurationError, GeocoderError
from conflictmap.geocode import GEOCODERS, OnlineGeocoder, geocoder_class, read_cache

# Nominatim /search?format=json answers, keyed by query
ANSWERS = {
    "Kafr Nabudah": [
        {
            "place_id": 1,
            "osm_type": "node",
            "osm_id": 2750012345,
            "lat": "35.4253",
            "lon": "36.4581",
            "display_name": "Kafr Nabudah, Hama, Syria",
            "address": {"village": "Kafr Nabudah", "country_code": "sy"},
        }
    ],
    "Nowhere Village": [],
}


@pytest.fixture()
def server(nominatim) -> str:
    nominatim.answers.update(ANSWERS)
    nominatim.fail.add("Broken")
    return nominatim.address


def make(server: str, tmp_path: Path) -> OnlineGeocoder:
    return OnlineGeocoder(
        "nominatim",
        domain=server,
        scheme="http",
        cache_path=tmp_path / "geocoded.json",
        min_delay_seconds=0,
        error_wait_seconds=0,
        timeout=5,
    )


def test_geocode_finds_and_caches(server: str, nominatim, tmp_path: Path) -> None:
    geo = make(server, tmp_path)
    place = geo.geocode("Kafr Nabudah", "SY")
    assert place is not None and place.id == "nominatim:n2750012345"
    assert (place.lat, place.lon, place.country) == (35.4253, 36.4581, "SY")
    assert nominatim.requests[0]["path"] == "/search"
    assert nominatim.requests[0]["countrycodes"] == "sy"
    assert geo.geocode("Kafr Nabudah", "SY") == place  # from the cache
    assert len(nominatim.requests) == 1
    assert read_cache(tmp_path / "geocoded.json")["SY|Kafr Nabudah"]["id"] == place.id


def test_geocode_next_run_is_offline(server: str, tmp_path: Path) -> None:
    make(server, tmp_path).geocode("Kafr Nabudah", "SY")
    again = OnlineGeocoder(
        "nominatim",
        domain="127.0.0.1:9",
        scheme="http",
        cache_path=tmp_path / "geocoded.json",
    )
    assert again.geocode("Kafr Nabudah", "SY").id == "nominatim:n2750012345"
    assert again.requests == 0


def test_geocode_caches_misses(server: str, nominatim, tmp_path: Path) -> None:
    geo = make(server, tmp_path)
    assert geo.geocode("Nowhere Village") is None
    assert geo.geocode("Nowhere Village") is None
    assert len(nominatim.requests) == 1


def test_geocode_server_error_is_geocoder_error(server: str, tmp_path: Path) -> None:
    with pytest.raises(GeocoderError, match="nominatim geocoder failed for 'Broken'"):
        make(server, tmp_path).geocode("Broken")


@pytest.mark.parametrize("name", ["google-earth", "", "Nominatimm"])
def test_geocode_unknown_service_lists_valid_names(name: str) -> None:
    with pytest.raises(ConfigurationError) as err:
        geocoder_class(name)
    assert all(valid in str(err.value) for valid in GEOCODERS)


@pytest.mark.parametrize("name", sorted(GEOCODERS))
def test_geocode_every_listed_service_exists_in_geopy(name: str) -> None:
    assert geocoder_class(name).__name__ == GEOCODERS[name]


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then closed): connections are refused."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_geocode_service_down_is_asked_once(tmp_path: Path) -> None:
    geo = OnlineGeocoder("nominatim", domain=f"127.0.0.1:{_closed_port()}", scheme="http",
                         cache_path=tmp_path / "geocoded.json", min_delay_seconds=0,
                         error_wait_seconds=0, timeout=2)
    with pytest.raises(GeocoderError, match="not asking it again"):
        geo.geocode("Zorvakivka", "UA")
    assert geo.geocode("Pelmenivka", "UA") is None and geo.geocode("Dubrisk") is None
    assert geo.requests == 1 and geo.skipped == 2
    assert read_cache(tmp_path / "geocoded.json") == {}  # a failure is not an answer


def test_geocode_down_is_one_line_per_run(tmp_path: Path, capsys, monkeypatch) -> None:
    from conflictmap.cli import main

    monkeypatch.setenv("CONFLICTMAP_HOME", str(tmp_path / "home"))  # the geocoder cache
    folder = tmp_path / "articles"
    folder.mkdir()
    for i, name in enumerate(("Zorvakivka", "Pelmenivka", "Dubrisk", "Kvitneve-Druhe")):
        (folder / f"{i}.txt").write_text(
            f" date 2023-06-1{i}\nUkrainian forces recaptured the village of {name} on "
            f"Monday, the army said.\n", encoding="utf-8")
    code = main(["extract", str(folder), "--no-cache", "--geocode",
                 "--geocoder-url", f"http://127.0.0.1:{_closed_port()}"])
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert len([line for line in err.splitlines() if "geocoder" in line]) == 1, err
