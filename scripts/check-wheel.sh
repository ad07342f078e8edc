#!/usr/bin/env bash
# Build the wheel, install it (not editable) into a fresh venv outside the source tree and
# run `conflictmap build` on the sample articles: the installed package must find its
# gazetteer and data, and write nothing into site-packages. Network: the package registry
# only (the wheel's build backend and dependencies).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PYTHON=${PYTHON:-python3}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/conflictmap-wheel.XXXXXX")
# pip builds in the tree (build/, *.egg-info): leave the tree as it was
HAD_BUILD=0
[ -e build ] && HAD_BUILD=1
cleanup() { rm -rf "$WORK"; if [ "$HAD_BUILD" = 0 ]; then rm -rf "$ROOT/build"; fi; }
trap cleanup EXIT
export PIP_DISABLE_PIP_VERSION_CHECK=1
"$PYTHON" -m pip wheel --no-deps -q -w "$WORK/dist" "$ROOT"
"$PYTHON" -m venv "$WORK/venv"
"$WORK/venv/bin/python" -m pip install -q "$WORK"/dist/conflictmap-*.whl
SITE=$("$WORK/venv/bin/python" -c "import conflictmap, pathlib; print(pathlib.Path(conflictmap.__file__).parent)")
case "$SITE" in "$ROOT"*) echo "check-wheel: the package was imported from the source tree ($SITE)" >&2; exit 1;; esac
listing() { find "$SITE" -type f -not -name '*.pyc' | sort | md5sum; }
before=$(listing)
# from another folder, with a home of its own: nothing may come from the checkout
cd "$WORK"
HOME="$WORK/home" CONFLICTMAP_GAZETTEER= CONFLICTMAP_HOME= CONFLICTMAP_CACHE= \
  "$WORK/venv/bin/conflictmap" build "$ROOT/articles" --out "$WORK/out" -q
for name in map.html events.geojson events.csv events.gpkg; do
  test -s "$WORK/out/$name" || { echo "check-wheel: $name missing" >&2; exit 1; }
done
grep -q "event_id_cnty," "$WORK/out/events.csv"
[ "$(listing)" = "$before" ] || { echo "check-wheel: the run wrote into site-packages" >&2; exit 1; }
echo "check-wheel: the wheel installs and builds the sample map"
