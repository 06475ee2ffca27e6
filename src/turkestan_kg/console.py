"""The ``tkg`` console script's entry point: from here on, Ctrl-C is one line and exit 130.

The script pip writes imports this module first, so it imports almost nothing (Python's
own start-up and that script, about 20 ms, come before it and are Python's to handle): the
command line (click, rdflib and the rest, about 0.2 s) is imported inside :func:`main`,
where an interrupt during those imports is caught like one during a command.
"""

from .errors import interrupted, is_interrupt


def main() -> None:
    """Run ``tkg``; an interrupt while it starts gives one line and exit code 130."""
    try:
        from .cli import main as tkg
    except (KeyboardInterrupt, RuntimeError) as err:
        if is_interrupt(err):
            interrupted()
        raise
    tkg()
