"""Hostile input, third pass (issue 23): translations, and the confusing results.

``translations --confirm`` changes only ``translation_of``, in the file's own style, and
keeps an anchor on the source's name; it refuses to write a file that would read
differently. ``new --translate`` keeps a file name on its comment's line. And the
confusing results the issue lists are fixed or said.
"""

from __future__ import annotations

import re
import shutil

from ..conftest import DEFAULT_GUIDE, PATIENCE, TRANSLATIONS
from .small import MINIMAL, PACKET


def german(small, edit):
    """Write the German translation (of the default guide), edited by ``edit``."""
    shutil.copy(DEFAULT_GUIDE, small.root / "content")
    text = TRANSLATIONS[0].read_text(encoding="utf-8")
    text = re.sub(r"translation_of:.*\n(  .*\n)*", "translation_of: cmo-cdmo-cro.yaml\n", text,
                  count=1)
    return small.write("content/cmo-cdmo-cro.de.yaml", edit(text))


def test_confirm_keeps_an_anchor_the_file_still_uses(small, cli):
    path = german(small, lambda text: text.replace(
        "translation_of: cmo-cdmo-cro.yaml", "translation_of: &source cmo-cdmo-cro.yaml")
        .replace("\n  owner: ", "\n  owner: *source\n  former_owner: ", 1)
        .replace("\n  former_owner: ", "\n  # ", 1))
    result = cli("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")
    assert result.exit_code == 0, result.stderr
    text = path.read_text(encoding="utf-8")
    assert "  source: &source cmo-cdmo-cro.yaml\n  confirmed: sha256:" in text
    assert cli("check", "content/cmo-cdmo-cro.de.yaml").exit_code == 0
    assert "current" in cli("translations").stdout


def test_confirm_of_a_flow_style_translation_keeps_the_translation(small, cli):
    import json

    from guidegen.common.yamlsource import parse_yaml

    path = german(small, lambda text: text)
    data, _ = parse_yaml(path.read_text(encoding="utf-8"), "de")
    flow = json.dumps(data, ensure_ascii=False)  # JSON is YAML in flow style
    path.write_text(flow + "\n", encoding="utf-8")
    before = path.stat().st_size
    result = cli("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")
    assert result.exit_code == 0, result.stderr
    after, _ = parse_yaml(path.read_text(encoding="utf-8"), "de")
    assert after.pop("translation_of")["source"] == "cmo-cdmo-cro.yaml"
    assert after == {k: v for k, v in data.items() if k != "translation_of"}
    assert path.stat().st_size > before - 10
    assert "current" in cli("translations").stdout


def test_confirm_refuses_what_would_change_the_rest_of_the_file(small, cli):
    path = german(small, lambda text: text.replace(
        "translation_of: cmo-cdmo-cro.yaml",
        "translation_of: {source: cmo-cdmo-cro.yaml, confirmed: &seen sha256:" + "0" * 64 + "}")
        .replace("\n  owner: ", "\n  owner: *seen\n  # ", 1))
    before = path.read_bytes()
    result = cli("translations", "--confirm", "content/cmo-cdmo-cro.de.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: content/cmo-cdmo-cro.de.yaml: cannot record the "
                                    "confirmation in translation_of without changing the "
                                    "rest of the file")
    assert path.read_bytes() == before
    assert not (small.root / "content" / "confirmed").exists()


def test_new_translate_keeps_a_file_name_on_its_comment_line(small, cli):
    name = "ab\ntranslation_of: elsewhere.yaml\n#.yaml"
    small.write(f"content/{name}", MINIMAL)
    result = cli("new", "--translate", f"content/{name}", "--language", "fr")
    assert result.exit_code == 0, result.stderr
    made = small.root / "content" / "ab\ntranslation_of: elsewhere.yaml\n#.fr.yaml"
    lines = made.read_text(encoding="utf-8").splitlines()
    assert not any(line.startswith("translation_of: elsewhere") for line in lines)
    assert lines[1].startswith("# The fr translation of ab\\ntranslation_of: elsewhere.yaml"
                               "\\n#.yaml, started")


# -- confusing results -------------------------------------------------------------------

def test_a_packet_listed_as_a_guide_is_said_to_be_a_packet(small, cli):
    small.packet(PACKET, name="other")
    small.packet(PACKET.replace("guides: [ab]", "guides: [ab, other.yaml]"))
    result = cli("check", "packets/pk.yaml")
    assert result.exit_code == 1
    assert result.stderr == ("packets/other.yaml:1:1: error: this is a packet file, not a "
                             "guide; packets/pk.yaml names it among its guides, and a packet "
                             "holds guides, not other packets\n1 error in 1 file\n")


def test_pages_with_a_packet_is_said_to_apply_to_guides_only(small, cli):
    result = cli("build", "packets/pk.yaml", "-f", "html", "--pages", "2")
    assert result.exit_code == 0
    assert result.stderr == ("packets/pk.yaml: warning: --pages 2 is a page budget for "
                             "guides built on their own; a packet fits each of its guides "
                             "to its own (the entry's pages, else the guide's "
                             "handout.pages)\n")


def test_an_output_folder_inside_the_templates_folder_is_refused(small, cli):
    for output in ("templates", "templates/out"):
        small.write("guidegen.yaml", f"content: content\noutput: {output}\n"
                    "templates: templates\n")
        result = cli("build", "-f", "html")
        assert result.exit_code == 2
        assert result.stderr.startswith(f"error: the output folder {output} and the "
                                        "templates folder templates overlap")
    assert sorted(p.name for p in (small.root / "templates").iterdir()) == []


def test_the_schema_keeps_its_descriptions_under_python_oo(small):
    import subprocess
    import sys

    from guidegen.project.schema import json_schema_text

    done = subprocess.run([sys.executable, "-OO", "-m", "guidegen", "schema"],
                          capture_output=True, text=True, timeout=PATIENCE, check=True)
    assert done.stdout == json_schema_text("guide")
    assert '"description": "A whole comparison guide' in done.stdout
