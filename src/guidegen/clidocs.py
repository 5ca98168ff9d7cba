"""The command line's reference tables, made from the code, as the user guide prints them.

Kept beside :mod:`guidegen.cli` (it reads the commands' declared options), so that the
user guide's hook prints the one table the code declares.
"""

from __future__ import annotations


def option_table(command: str = "build") -> str:
    """Return the Markdown table of the options of ``guidegen COMMAND``, from their declaration."""
    from .builder.options import option_fields
    from .cli import main

    rows = ["| Option | Meaning |", "| --- | --- |"]
    specs = option_fields()
    for param in main.commands[command].params:
        spec = specs.get(str(param.name))
        if spec is None:
            continue
        metavar = spec.kind.metavar().replace("|", "\\|")
        meaning = " ".join(filter(None, (spec.help, spec.doc)))
        if spec.default not in (None, False) and "default" not in spec.help:
            meaning += f" Default: `{spec.kind.shown(spec.default)}`."
        rows.append(f"| `{', '.join(spec.flags)}{' ' + metavar if metavar else ''}` | "
                    f"{meaning} |")
    return "\n".join(rows)
