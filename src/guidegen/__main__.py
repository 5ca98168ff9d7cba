"""``python -m guidegen`` runs the command line."""

from .cli import run

run()
