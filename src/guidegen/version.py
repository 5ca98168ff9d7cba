"""guidegen's version, apart so that every layer can name it without importing the API."""

__version__ = "0.3.0"
