"""Guides in other languages: labels, dates, lists, fonts per script, language metadata.

The default guide's German and Japanese translations are built once, and read back with
poppler, pikepdf, python-docx, fontconfig + fontTools and LibreOffice.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import docx
import pikepdf
import pytest
from docx.oxml.ns import qn

import guidegen
from guidegen.common.labels import LABEL_KEYS, fill
from guidegen.common.language import Language
from guidegen.errors import display_name
from guidegen.theme import load_templates
from guidegen.theme.locales import catalogue_for, catalogue_tags, load_catalogue
from guidegen.tree import Heading, Paragraph, plain_text, walk

from .conftest import DATA, DEFAULT_GUIDE, ROOT, Built, build_logged, document_of
from .readers import normalize, pdf_page_texts, pdf_text

ENGLISH = load_catalogue("en").labels
# The labels the default guide prints (its comparisons title and matrix corner are its own).
PRINTED = ("audience", "document", "version", "effective", "approver", "legend", "mark_yes",
           "mark_no")


@pytest.fixture(scope="module")
def built(a4, translated):
    """Return the default guide (of ``a4``) and its translations (``translated``), built."""
    english = [output for (stem, _), output in a4.outputs.items()
               if stem == DEFAULT_GUIDE.stem]
    return Built(translated.folder, [*english, *translated.outputs.values()], [])


def docx_all_text(path) -> str:
    """Return the text of a DOCX's body, header and footer (field results included)."""
    from .readers import docx_text

    document = docx.Document(str(path))
    section = document.sections[0]
    stories = [p.text for story in (section.header, section.footer) for p in story.paragraphs]
    return normalize(docx_text(path) + " " + " ".join(stories))


def english_left(text: str, language: str) -> list[str]:
    """Return the English labels found in ``text`` that ``language`` says otherwise."""
    own = load_catalogue(catalogue_for(language)).labels
    found = []
    for key in LABEL_KEYS:
        english, theirs = getattr(ENGLISH, key), getattr(own, key)
        words = re.sub(r"\{\w+\}", " ", english).strip()
        if english == theirs or len(words) < 2 or not re.search(r"[A-Za-z]", words):
            continue  # the same in both, or only symbols and punctuation
        if any(re.search(rf"(?i)\b{re.escape(part.strip())}\b", text)
               for part in re.split(r"\s{2,}", words) if part.strip()):
            found.append(f"{key}: {english!r}")
    return found


@pytest.mark.parametrize("language", ["de", "ja"])
def test_no_english_label_is_left_in_the_pdf_or_the_docx(built, language):
    stem = f"cmo-cdmo-cro.{language}"
    own = load_catalogue(language).labels
    pages = built.outputs[(stem, "pdf")].pages
    for text in (normalize(pdf_text(built.path(stem, "pdf"))),
                 docx_all_text(built.path(stem, "docx"))):
        assert english_left(text, language) == []
        for key in PRINTED:
            assert getattr(own, key).lower() in text.lower(), key
        assert fill(own.page, page="1", pages=str(pages)) in text
    # and the English guide says them in English: the check above can fail
    english = normalize(pdf_text(built.path("cmo-cdmo-cro", "pdf")))
    assert "effective: 'Effective'" in english_left(english, "de")


def test_every_catalogue_has_every_label_and_says_who_wrote_it():
    readme = (ROOT / "docs" / "languages-in-detail.md").read_text(encoding="utf-8")
    for tag in ("en", "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "ja", "zh-Hans"):
        catalogue = load_catalogue(catalogue_tags()[tag.lower()])
        assert set(catalogue.labels.model_dump()) == set(LABEL_KEYS)
        assert f"| `{tag}` | {catalogue.name} | {catalogue.written_by} |" in readme
    for key in LABEL_KEYS:  # documented for whoever prints them
        assert f"| `{key}` | {getattr(ENGLISH, key).replace('|', chr(92) + '|')} |" in readme


def test_dates_and_lists_are_written_the_way_the_language_writes_them(built):
    assert "24. November 2026" in pdf_text(built.path("cmo-cdmo-cro.de", "pdf"))
    assert "2026年11月24日" in pdf_text(built.path("cmo-cdmo-cro.ja", "pdf"))
    assert "November 24, 2026" in pdf_text(built.path("cmo-cdmo-cro", "pdf"))
    guide = guidegen.load(DEFAULT_GUIDE)
    three = guide.model_copy(update={"comparisons_title": None, "guide": guide.guide.model_copy(
        update={"language": None})})
    headings = {tag: next(b.text for b in walk(document_of(three, language=tag).blocks)
                          if isinstance(b, Heading) and b.anchor == "comparisons")
                for tag in ("en", "en-GB", "de", "fr", "ja", "zh-Hans")}
    assert headings == {"en": "Comparing CMO, CDMO, and CRO",
                        "en-GB": "Comparing CMO, CDMO and CRO",
                        "de": "Vergleich von CMO, CDMO und CRO",
                        "fr": "Comparaison de CMO, CDMO et CRO",
                        "ja": "CMO、CDMO、CROの比較", "zh-Hans": "CMO、CDMO和CRO的比较"}


def test_every_page_s_footer_carries_the_effective_date_in_the_guide_s_language(built):
    from babel.dates import format_date

    lines = {"cmo-cdmo-cro": "TRN-GD-001 · Version 1.0 · Effective November 24, 2026 · ",
             "cmo-cdmo-cro.de": "TRN-GD-001 · Version 1.0 · Gültig ab 24. November 2026 · ",
             "cmo-cdmo-cro.ja": "TRN-GD-001 · 版数 1.0 · 発効日 2026年11月24日 · "}
    for stem, line in lines.items():
        texts = pdf_page_texts(built.path(stem, "pdf"))
        for page in range(1, built.outputs[(stem, "pdf")].pages + 1):
            assert line in normalize(texts[page - 1]), page
        assert line in docx_all_text(built.path(stem, "docx"))
    # every catalogue's label, and the date as its language writes it
    guide = guidegen.load(DEFAULT_GUIDE)
    unnamed = guide.model_copy(update={"guide": guide.guide.model_copy(
        update={"language": None})})
    day = guide.guide.document.effective
    for tag in catalogue_tags().values():
        words = load_catalogue(tag).labels
        control = document_of(unnamed, language=tag).running.control
        written = format_date(day, "long", locale=tag.replace("-", "_"))
        assert f" · {words.effective} {written} · " in control, (tag, control)


def test_metadata_keeps_iso_dates_and_names_the_language(built):
    with zipfile.ZipFile(built.path("cmo-cdmo-cro.de", "docx")) as package:
        custom = package.read("docProps/custom.xml").decode("utf-8")
    assert 'name="Effective date"><vt:filetime>2026-11-24T00:00:00Z</vt:filetime>' in custom
    assert 'name="Status"><vt:lpwstr>Gültig</vt:lpwstr>' in custom  # as the guide prints it
    for language in ("de", "ja"):
        stem = f"cmo-cdmo-cro.{language}"
        with pikepdf.open(built.path(stem, "pdf")) as pdf:
            assert str(pdf.Root.Lang) == language
        assert f'<html lang="{language}">' in built.path(stem, "html").read_text("utf-8")
        word = docx.Document(str(built.path(stem, "docx")))
        assert word.core_properties.language == language
        for rpr in (word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
                    .find(qn("w:rPr")), word.styles["Normal"].element.rPr):
            # a Japanese document's Latin text (acronyms) is English: Japanese line
            # breaking would cut "CDMO" between any two letters
            assert rpr.find(qn("w:lang")).get(qn("w:val")) == \
                ("en-US" if language == "ja" else language)
    ja = docx.Document(str(built.path("cmo-cdmo-cro.ja", "docx")))
    lang = ja.styles["Normal"].element.rPr.find(qn("w:lang"))
    assert lang.get(qn("w:eastAsia")) == "ja"


def test_docx_styles_name_a_font_for_each_script(built):
    theme = load_templates().theme
    japanese = theme.scripts.japanese.word
    for language, east_asian in (("ja", japanese), ("de", japanese)):
        word = docx.Document(str(built.path(f"cmo-cdmo-cro.{language}", "docx")))
        # as in the PDF, a Japanese guide's Latin letters are the Japanese font's, named
        # as the PDF names it (LibreOffice lacks Word's)
        latin = theme.scripts.japanese.family if language == "ja" else theme.fonts.body.word
        for name in ("Normal", "Title", "Heading 1", "List Bullet"):
            fonts = word.styles[name].element.rPr.rFonts
            assert fonts.get(qn("w:ascii")) == latin, name
            assert fonts.get(qn("w:eastAsia")) == east_asian, name
            assert fonts.get(qn("w:cs")) == theme.scripts.arabic.word, name


def installed_font(family: str, style: str = "Regular"):
    """Return the installed font ``family`` (fontconfig's match) opened with fontTools."""
    from fontTools.ttLib import TTFont

    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}\n%{family}",
                            f"{family}:style={style}"], capture_output=True, text=True,
                           check=True).stdout.split("\n")
    assert family in found[2].split(","), found
    return TTFont(found[0], fontNumber=int(found[1]), lazy=True)


def uncovered(text: str, families: list[str]) -> set[str]:
    """Return the characters of ``text`` that none of the fonts ``families`` has."""
    have: set[int] = set()
    for family in families:
        have |= set(installed_font(family).getBestCmap())
    return {c for c in text if not c.isspace() and ord(c) not in have
            and c not in "\u202a\u202b\u202c\u200e\u200f"}


def test_japanese_embeds_a_cjk_font_and_every_character_has_a_glyph(built,
                                                                    japanese_libreoffice):
    path = built.path("cmo-cdmo-cro.ja", "pdf")
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK-JP" in line]
    assert cjk and all(re.search(r"\syes\s+yes\s+yes\s", line) for line in cjk)
    text = pdf_text(path)
    assert "最高医療責任者（CMO）" in text and "凡例：" in text
    stack = load_templates().theme.font_stack("body", Language.of("ja"))
    # Japanese first: its Latin letters (CMO) are drawn to sit with its own characters
    assert stack[:2] == ["Noto Sans CJK JP", "Carlito"]
    assert load_templates().theme.font_stack("body", Language.of("de"))[:1] == ["Carlito"]
    assert not any("Carlito" in line for line in fonts)  # no Latin font needed at all
    assert uncovered(text, stack) == set()
    assert uncovered("楔形文字 𒀀", stack) == {"𒀀"}  # the check can fail
    # LibreOffice renders the DOCX's Japanese with a CJK font too
    converted = japanese_libreoffice  # of built's DOCX
    office = subprocess.run(["pdffonts", str(converted)], capture_output=True, text=True,
                            check=True).stdout
    assert "CJK" in office
    assert "最高医療責任者（CMO）" in pdf_text(converted)


def test_unknown_language_falls_back_to_its_base_then_english_with_a_warning(tmp_path):
    from guidegen.errors import collect_warnings

    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    labels = {}
    for tag in ("de-CH", "xx-YY", "zh", "zh-TW"):
        path = tmp_path / f"{tag}.yaml"
        path.write_text(text.replace("  title: Alpha vs Beta",
                                     f"  title: Alpha vs Beta\n  language: {tag}"), "utf-8")
        with collect_warnings() as found:
            document = document_of(guidegen.load(path))
        legend = next(b for b in walk(document.blocks)
                      if isinstance(b, Paragraph) and b.role == "legend")
        labels[tag] = (plain_text(legend.inlines), [str(p) for p in found])
    assert "Legende" in labels["de-CH"][0] and labels["de-CH"][1] == []
    assert "图例" in labels["zh"][0] and labels["zh"][1] == []
    for tag in ("xx-YY", "zh-TW"):
        assert labels[tag][0] == "Key: ✓ Yes · — No"  # English, never a key name
        assert labels[tag][1] == [
            f"{display_name(tmp_path / f'{tag}.yaml')}:3:13: warning: guide.language: no "
            f"labels for language {tag!r}; printing them in English "
            f"(built in: {', '.join(catalogue_tags().values())})"]


def test_label_overrides_in_the_guide_beat_the_theme_which_beats_the_catalogue(tmp_path):
    (tmp_path / "theme.yaml").write_text(
        'labels:\n  legend: "Zeichenerklärung"\n  mark_yes: "Zutreffend"\n', encoding="utf-8")
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8").replace(
        "  title: Alpha vs Beta", "  title: Alpha vs Beta\n  language: de")
    path = tmp_path / "guide.yaml"
    path.write_text(text + 'labels:\n  mark_yes: "Trifft zu"\n  page: "S. {page}/{pages}"\n',
                    encoding="utf-8")
    guide = guidegen.load(path)
    document = document_of(guide, templates=load_templates(tmp_path))
    legend = next(b for b in walk(document.blocks)
                  if isinstance(b, Paragraph) and b.role == "legend")
    assert "Zeichenerklärung" in str(legend) and "Trifft zu" in str(legend)  # theme, guide
    assert "Zutreffend" not in str(legend)
    assert "Nein" in str(legend)  # the catalogue
    assert document.running.page == (("text", "S. "), ("page", ""), ("text", "/"),
                                     ("pages", ""))


def test_a_label_with_a_wrong_placeholder_is_a_located_error(tmp_path):
    path = tmp_path / "guide.yaml"
    text = (DATA / "minimal.yaml").read_text(encoding="utf-8")
    path.write_text(text + 'labels:\n  page: "Seite {page}"\n  legnd: "x"\n', encoding="utf-8")
    with pytest.raises(guidegen.errors.ContentError) as caught:
        guidegen.load(path)
    lines = [str(p).split(": ", 1)[1] for p in caught.value.problems]
    first = len(text.splitlines()) + 2
    assert [str(p).split(":")[1:3] for p in caught.value.problems] == [
        [str(first), "9"], [str(first + 1), "3"]]
    assert lines[0] == "error: labels.page: takes {page}, {pages}"
    assert lines[1].startswith("error: labels: unknown key 'legnd' (did you mean 'legend'?)")


def test_a_whole_guide_in_a_right_to_left_language_is_refused_by_check(project, cli):
    guide = project / "content" / "cmo-cdmo-cro.yaml"
    guide.write_text(guide.read_text(encoding="utf-8").replace("language: en", "language: ar"),
                     encoding="utf-8")
    result = cli("check")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "content/cmo-cdmo-cro.yaml:7:13: error: guide.language: 'ar' is written right to "
        "left; whole guides in right-to-left languages are not supported yet")


def test_right_to_left_words_inside_a_left_to_right_guide_keep_their_order(tmp_path):
    path = tmp_path / "words.yaml"
    path.write_text((DATA / "minimal.yaml").read_text(encoding="utf-8").replace(
        "intro: Two things compared.",
        "intro: In Hebrew שלום עולם, in Arabic مرحبا بالعالم, both said in order."),
        encoding="utf-8")
    built = build_logged(tmp_path / "out", [path], formats=("pdf", "docx"))
    text = normalize(re.sub("[\u202a-\u202e\u200e\u200f]", "",
                            pdf_text(built.path("words", "pdf"))))
    assert "In Hebrew שלום עולם, in Arabic مرحبا بالعالم, both said in order." in \
        re.sub(r" ,", ",", text)
    words = docx.Document(str(built.path("words", "docx"))).paragraphs
    assert any("In Hebrew שלום עולם, in Arabic مرحبا بالعالم, both" in p.text for p in words)
    stack = load_templates().theme.font_stack("body", Language.of("en"))
    assert uncovered("שלום עולם مرحبا بالعالم", stack) == set()


def test_a_packet_prints_its_cover_contents_and_sheet_in_its_language(project, cli):
    shutil.copytree(ROOT / "packets", project / "packets")
    shutil.copy(ROOT / "tests" / "data" / "minimal.yaml", project / "packets" / "guides")
    packet = project / "packets" / "new-starter.yaml"
    text = packet.read_text(encoding="utf-8").replace("  language: en", "  language: de")
    # a guide of one page (a blank page after it), then one in English (not the other two:
    # the packet's own pages are what is read)
    packet.write_text(text[:text.index("guides:  ")] + "guides: [guides/minimal.yaml, "
                      "cmo-cdmo-cro]\n" + text[text.index("right_hand_start:"):], "utf-8")
    result = cli("build", "packets/new-starter.yaml", "-f", "pdf", "--allow-draft", "-j", "1")
    assert result.exit_code == 0, result.output
    text = normalize(pdf_text(project / "output" / "new-starter" / "new-starter.pdf"))
    german = load_catalogue("de").labels
    for key in ("cover_prepared_for", "recipient_start_date", "contents",
                "acknowledgement_title", "acknowledgement_statement",
                "acknowledgement_signature", "blank_page"):
        assert getattr(german, key).lower() in text.lower(), key
    assert "Acknowledgement of training" not in text and "Prepared for" not in text.title()
    assert "Comparing CMO, CDMO, and CRO" in text  # the English guide keeps its language
