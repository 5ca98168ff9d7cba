"""The built-in label catalogues (``guidegen/locales/<tag>.yaml``), one per language.

Every layer that prints or checks a label reads them here: the layout resolves a guide's
labels from them, the content's slip checks and the readers read the words a language
prints for a mark.
"""

from __future__ import annotations

from functools import cache

from ..common.labels import Catalogue
from ..common.language import base_language, script_of, subtags
from ..common.yamlsource import load_yaml
from ..errors import ResourceError
from .folders import package_folder

LOCALES = "locales"


@cache
def catalogue_tags() -> dict[str, str]:
    """Return the tags of the built-in catalogues, by their lower-case form."""
    folder = package_folder(LOCALES)
    return {path.stem.lower(): path.stem for path in sorted(folder.glob("*.yaml"))}


@cache
def load_catalogue(tag: str) -> Catalogue:
    """Return the built-in catalogue of ``tag`` (one of :func:`catalogue_tags`)."""
    from ..common.models import validate_data

    data, source = load_yaml(package_folder(LOCALES) / f"{tag}.yaml")
    catalogue: Catalogue = validate_data(data, source, Catalogue, ResourceError)
    if catalogue.language != tag:
        raise ResourceError(f"{source.file}: says it is {catalogue.language!r}, not {tag!r}")
    return catalogue


def catalogue_for(language: str) -> str | None:
    """Return the tag of the catalogue for ``language``: its own, else its base's, else None.

    ``de-CH`` takes ``de``; ``zh`` and ``zh-CN`` take ``zh-Hans`` (but ``zh-TW`` does not).
    """
    known = catalogue_tags()
    parts = subtags(language)
    for end in range(len(parts), 0, -1):
        found = known.get("-".join(parts[:end]))
        if found:
            return found
    if base_language(language) == "zh" and script_of(language) == "chinese_simplified":
        return known.get("zh-hans")
    return None
