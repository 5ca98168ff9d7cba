"""``python -m guidegen`` runs the command line."""

from .entry import run

run()
