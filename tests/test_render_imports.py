"""`conflictmap render` does not import pandas (folium's import of it is made lazy), and
folium still recognises DataFrames when a caller passes one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHECK = """
import sys
from conflictmap.render import render_html
from conflictmap.store import scan_events
from conflictmap.pipeline import render_map, window_for
page = render_html([], title="t")
assert "pandas" not in sys.modules, "pandas imported"
assert "geopandas" not in sys.modules and "shapely" not in sys.modules
import folium.utilities
import pandas as pd
frame = pd.DataFrame({"lat": [1.0], "lon": [2.0]})
assert folium.utilities.if_pandas_df_convert_to_numpy(frame).tolist() == [[1.0, 2.0]]
assert folium.utilities.pd is pd
print("ok")
"""


def test_render_does_not_import_pandas() -> None:
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, timeout=120,
                          check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_render_after_pandas_keeps_folium_as_it_is() -> None:
    check = "import pandas\n" + CHECK.replace(
        'assert "pandas" not in sys.modules, "pandas imported"', "").replace(
        'assert "geopandas" not in sys.modules and "shapely" not in sys.modules', "")
    done = subprocess.run([sys.executable, "-c", check], capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""}, timeout=120,
                          check=False)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
