"""The one thing pyproject.toml cannot say yet without an experimental table: the compiled
text scans (src/conflictmap/_speedups.c). The extension is optional: without a C compiler
the install still succeeds and conflictmap runs on their pure-Python twins (slower);
`make test` requires it (tests/test_speedups.py)."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "conflictmap._speedups",
            sources=["src/conflictmap/_speedups.c"],
            extra_compile_args=["-O2"],
            optional=True,
        )
    ]
)
