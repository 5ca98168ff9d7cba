"""``guidegen new``: a project to start from, or a skeleton guide that builds at once.

A new project has the project file, ``content/`` with the example guide, an empty but
explained ``templates/`` override folder, a ``.gitignore`` for ``output/``, and
``schema/`` with the JSON Schemas its files' editor hints point at. Everything comes
from the installed package, so it works in any empty folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from ..builder.outputs import write_files
from ..common.yamlsource import MAX_BYTES
from ..errors import UsageError
from ..files import read_file
from ..theme.folders import package_folder
from .config import PROJECT_FILE

EXAMPLE_GUIDE = "cmo-cdmo-cro.yaml"
MAX_SLUG = 60  # characters of a new guide's file name

PROJECT_TEXT = """\
# yaml-language-server: $schema=schema/project.schema.json
# guidegen's project file: every command run in this folder (or below it) reads it.
# Options given on the command line win. `guidegen schema --project` lists every key.
content: content             # the guides `guidegen build` builds when none are named
output: output               # where the PDF and DOCX files are written
formats: [pdf, docx]         # any of pdf, docx, html
templates: templates         # your overrides of the built-in templates (see its README)
language: en                 # for guides that do not name their language
"""

TEMPLATES_README = """\
# Your templates

Files you put here override guidegen's built-in templates of the same name, file by
file; everything else keeps coming from guidegen. Start small:

- `theme.yaml` with only the keys you change overrides the built-in theme key by key:

      colors:
        accent: "#aa0000"
      logo: logo.png            # a PNG or JPEG in this folder

- `styles.yaml` with only the roles and keys you change restyles the PDF, the HTML and
  the Word file alike (guidegen's README, "Restyling", lists every role):

      paragraphs:
        heading: {color: accent, size: 18}

- `blocks/<kind>.html.j2` changes the HTML of one kind of block in the PDF and HTML
  (heading, paragraph, list, fields, image, table, section); `document.css.j2` holds
  the pages and what is not a role's look.
- `reference.docx` restyles the Word file alone: write one with `guidegen reference-doc`,
  restyle it in Word or LibreOffice, and save it here.

`guidegen check` validates what you put here. What a guide says lives in its YAML file;
templates change only how it looks, so the PDF and the DOCX always carry the same words.
"""

GITIGNORE = "/output/\n/.guidegen-cache/\n"


def new_project(folder: Path) -> list[Path]:
    """Write a new project into ``folder`` (new or empty); return the files written."""
    from .schema import SCHEMAS, json_schema_text

    try:
        taken = folder.exists() and (not folder.is_dir() or any(folder.iterdir()))
    except OSError as exc:  # a name too long, a folder that cannot be read
        raise UsageError(f"cannot start a project in {folder}: {exc.strerror or exc}") from None
    if taken:
        raise UsageError(f"{folder} is not an empty folder; `guidegen new` starts a project "
                         "in a new or empty folder")
    example = package_folder("examples") / EXAMPLE_GUIDE
    files = {
        folder / PROJECT_FILE: PROJECT_TEXT.encode("utf-8"),
        folder / ".gitignore": GITIGNORE.encode("utf-8"),
        folder / "content" / EXAMPLE_GUIDE: read_file(example, MAX_BYTES),
        folder / "templates" / "README.md": TEMPLATES_README.encode("utf-8"),
        **{folder / "schema" / name: json_schema_text(kind).encode("utf-8")
           for kind, name in SCHEMAS.items()},
    }
    write_files(files)
    return list(files)


def new_guide(content: Path, title: str, ids: list[str]) -> Path:
    """Write a skeleton guide titled ``title`` comparing ``ids`` into ``content``.

    The skeleton is valid and builds at once; its texts say what to write where.
    """
    if not 2 <= len(ids) <= 8:
        raise UsageError(f"--subjects needs 2 to 8 ids, got {len(ids)}")
    bad = [i for i in ids if not re.fullmatch(r"[a-z][a-z0-9_-]{0,39}", i)]
    if bad or len(set(ids)) != len(ids):
        raise UsageError(f"subject ids are lower-case words, each once: {bad or ids}")
    path = content / f"{slug_of(title)}.yaml"
    if os.path.lexists(path):
        raise UsageError(f"{path} exists already; choose another title")
    write_files({path: skeleton(title, ids).encode("utf-8")})
    return path


def slug_of(title: str) -> str:
    """Return the file name (without ``.yaml``) of a guide titled ``title``.

    Lower-case letters, digits and ``-``, at most :data:`MAX_SLUG` characters (cut at a
    word), so that any title makes a name every file system takes.
    """
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if len(slug) > MAX_SLUG:
        cut = slug[:MAX_SLUG + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:MAX_SLUG]
    return slug or "guide"


def skeleton(title: str, ids: list[str]) -> str:
    """Return the YAML text of a skeleton guide."""
    shorts = [i.upper() for i in ids]
    subjects = "".join(
        f"  - id: {i}\n    short: {short}\n    name: {short}   # the full name\n"
        f"    summary: >\n      What {short} is and does, in a few sentences.\n"
        f"    responsibilities:\n      - A first responsibility of {short}.\n"
        f"      - A second one.\n" for i, short in zip(ids, shorts, strict=True))
    marks = ", ".join(f"{i}: {'yes' if n == 0 else 'partial' if n == 1 else 'no'}"
                      for n, i in enumerate(ids))
    per_subject = "".join(f"      {i}: Where {short} is usually found.\n"
                          for i, short in zip(ids, shorts, strict=True))
    return f"""\
# yaml-language-server: $schema=../schema/guide.schema.json
# A new guide: replace each text with yours. `guidegen check` says what is wrong and
# where; the README's "Content format" describes every key.

guide:
  title: {_quoted(title)}
  language: en
  audience: New staff

intro: >
  Why a newcomer should know the difference, in a few sentences.

subjects:
{subjects}
comparisons:
  - kind: matrix
    title: At a glance
    corner: Criterion
    rows:
      - criterion: A question that tells them apart
        values: {{{marks}}}
  - kind: per-subject
    title: Where you meet them
    values:
{per_subject}
sections:
  - title: Conclusion
    body: >
      What to remember.
"""


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
