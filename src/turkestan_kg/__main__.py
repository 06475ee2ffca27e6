"""``python -m turkestan_kg``: the same as the ``tkg`` command."""

from .console import main

main()
