"""conflictmap: war reporting in, a dated, sourced map of territorial control out."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("conflictmap")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
