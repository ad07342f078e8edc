"""What pyproject.toml cannot say yet without an experimental table:

- the compiled text scans (src/conflictmap/_speedups.c). The extension is optional: without
  a C compiler the install still succeeds and conflictmap runs on their pure-Python twins
  (slower); `make test` requires it (tests/test_speedups.py).
- the gazetteer data inside the package: gazetteer/ lives at the top of the source tree (a
  checkout and an editable install read it there); a wheel, and so a plain `pip install .`,
  carries a copy as conflictmap/gazetteer_data, which the installed package reads
  (gazetteer.default_directory). The analyst's own files (overrides.toml, corrections.csv,
  geocoded.json) are never copied: an installed package keeps them in a user folder
  (gazetteer.user_directory).
"""

from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
GAZETTEER_FILES = ("places.bin.gz", "skeleton.bin.gz", "extra_places.tsv", "aliases.tsv",
                   "demonyms.tsv", "capitals.tsv", "stopwords.txt", "airports.tsv", "README.md")


class BuildWithGazetteer(build_py):
    """build_py, plus gazetteer/'s data files copied to conflictmap/gazetteer_data."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads gazetteer/ in the source tree
        source = HERE / "gazetteer"
        if not (source / "places.bin.gz").is_file():
            return  # an sdist without the data: the package then needs $CONFLICTMAP_GAZETTEER
        target = Path(self.build_lib) / "conflictmap" / "gazetteer_data"
        self.mkpath(str(target))
        for name in GAZETTEER_FILES:
            if (source / name).is_file():
                self.copy_file(str(source / name), str(target / name))


setup(
    cmdclass={"build_py": BuildWithGazetteer},
    ext_modules=[
        Extension(
            "conflictmap._speedups",
            sources=["src/conflictmap/_speedups.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ],
)
