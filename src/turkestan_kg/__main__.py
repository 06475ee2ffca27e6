"""``python -m turkestan_kg``: the same as the ``tkg`` command."""

from .cli import main

main()
