"""Who this tool is, for version output and for the User-Agent every HTTP request carries.

The version is read from the installed package's metadata, so it is written in one place
(``pyproject.toml``); it is read only when first asked for (``importlib.metadata`` takes
longer to import than the whole ``tkg --help``).

>>> user_agent().startswith(f"turkestan-kg/{version()} ")
True
"""

from __future__ import annotations

from functools import cache

DISTRIBUTION = "turkestan-kg"
HOMEPAGE = "https://w3id.org/turkestan-kg/"


@cache
def version() -> str:
    """The installed version (``0.0.0+unknown`` in a source tree that was never installed)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed(DISTRIBUTION)
    except PackageNotFoundError:
        return "0.0.0+unknown"


def user_agent() -> str:
    """The User-Agent of the SPARQL client and the Graph Store upload."""
    return f"{DISTRIBUTION}/{version()} ({HOMEPAGE}; SPARQL client)"


__all__ = ["DISTRIBUTION", "HOMEPAGE", "user_agent", "version"]
