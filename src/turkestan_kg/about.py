"""Who this tool is, for version output and for the User-Agent every HTTP request carries.

The version is read from the installed package's metadata, so it is written in one place
(``pyproject.toml``) and importing it loads nothing heavy.

>>> USER_AGENT.startswith(f"turkestan-kg/{__version__} ")
True
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("turkestan-kg")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0.0.0+unknown"

HOMEPAGE = "https://w3id.org/turkestan-kg/"
USER_AGENT = f"turkestan-kg/{__version__} ({HOMEPAGE}; SPARQL client)"

__all__ = ["HOMEPAGE", "USER_AGENT", "__version__"]
