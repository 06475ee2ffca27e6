"""``python -m turkestan_kg.cli`` runs the ``tkg`` command."""

from . import main

main()
