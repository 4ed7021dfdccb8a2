"""Every UI string has its French translation, and the compiled catalogue is current."""

import gettext
import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "fr" / "LC_MESSAGES" / "django.po"


def entries():
    """((msgctxt, msgid), [msgstr…], flags) for each entry of the catalogue, header aside."""
    blocks = PO.read_text(encoding="utf-8").split("\n\n")
    for block in blocks[1:]:
        lines = [line for line in block.splitlines() if line.strip()]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        current, fields = None, {}
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith(("msgctxt", "msgid", "msgstr")):
                current, _, value = line.partition(" ")
                fields[current] = value.strip('"')
            elif current:
                fields[current] += line.strip().strip('"')
        if "msgid" in fields:
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            yield (fields.get("msgctxt"), fields["msgid"]), strs, flags


def test_french_catalogue_has_no_fuzzy_or_empty_entry():
    problems = [msgid for msgid, strs, flags in entries() if "fuzzy" in flags or not all(strs)]
    assert problems == []


def test_compiled_catalogue_matches_the_po_file():
    catalogue = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))

    def translated(context, msgid):
        return catalogue.pgettext(context, msgid) if context else catalogue.gettext(msgid)

    stale = [
        msgid
        for (context, msgid), strs, _flags in entries()
        if len(strs) == 1
        and "\\" not in msgid
        and translated(context, msgid) != strs[0].replace('\\"', '"')
    ]
    assert stale == []


# French sets a no-break space before the high punctuation marks and inside
# guillemets, and writes the apostrophe curly. Placeholders, URLs and times
# ("12:30", "https://") are no such punctuation.
_HIGH_PUNCTUATION_WITHOUT_NBSP = re.compile(r"(?:[\wÀ-ÿ)»’%]| )[:;?!](?=\s|$|\\n|<|\)|»)")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=[A-Za-zÀ-ÿ])'(?=[A-Za-zÀ-ÿ])")
_GUILLEMET_WITHOUT_NBSP = re.compile(r"«(?!\u00a0)|(?<!\u00a0)»")


def test_french_translations_follow_french_typography():
    problems = []
    for (context, _msgid), strs, _flags in entries():
        if context and "format" in context:
            continue  # date formats: "H:i" is no colon
        for text in strs:
            for rule in (
                _HIGH_PUNCTUATION_WITHOUT_NBSP,
                _STRAIGHT_APOSTROPHE,
                _GUILLEMET_WITHOUT_NBSP,
            ):
                if rule.search(text):
                    problems.append(text)
    assert problems == []
