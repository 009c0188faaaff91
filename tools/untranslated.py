"""``make untranslated``: list the terms of i18n/crm_case.pot a translation lacks.

A term is lacking when it is missing from i18n/<lang>.po, has an empty msgstr
or is marked fuzzy. Terms whose placeholders (``%(name)s``, ``%s``, ``{{ }}``,
HTML tags) differ between msgid and msgstr are listed too.

    python3 -m tools.untranslated            # French, one msgid a line
    python3 -m tools.untranslated --po       # as po entries to fill in
    python3 -m tools.untranslated --add      # append them, empty, to fr.po
    python3 -m tools.untranslated de         # another language

It exits 1 when anything is listed, 0 otherwise.
"""

import argparse
import os
import re
import sys

import polib

I18N_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "i18n"
)
PLACEHOLDER = re.compile(
    r"%\(\w+\)[sdf]|%[sdf%]|\{\{.*?\}\}|</?[A-Za-z][\w-]*|\sclass=\"[^\"]*\"|\s[\w-]+(?==\")"
)


def placeholders(text):
    """The sorted placeholders, tags and attribute names of ``text``."""
    return sorted(match.strip() for match in PLACEHOLDER.findall(text))


def lacking_entries(pot, po):
    """Return (missing, mismatched): pot entries lacking a translation, and
    translated entries whose placeholders differ from their msgid's."""
    translated = {
        entry.msgid: entry for entry in po if entry.msgid and not entry.obsolete
    }
    missing, mismatched = [], []
    for entry in pot:
        done = translated.get(entry.msgid)
        if not done or not done.msgstr or "fuzzy" in done.flags:
            missing.append(entry)
        elif placeholders(entry.msgid) != placeholders(done.msgstr):
            mismatched.append(done)
    return missing, mismatched


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("lang", nargs="?", default="fr")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--po", action="store_true", help="print po entries")
    output.add_argument("--add", action="store_true", help="append missing terms")
    args = parser.parse_args()
    pot = polib.pofile(os.path.join(I18N_DIR, "crm_case.pot"))
    po_path = os.path.join(I18N_DIR, f"{args.lang}.po")
    po = polib.pofile(po_path, wrapwidth=78)
    missing, mismatched = lacking_entries(pot, po)
    if args.add:
        known = {entry.msgid for entry in po}
        for entry in missing:
            if entry.msgid not in known:
                entry.msgstr = ""
                po.append(entry)
        po.save(po_path)
        print(f"{len(missing)} terms to translate in i18n/{args.lang}.po")
    elif args.po:
        for entry in missing:
            entry.msgstr = ""
            print(entry)
    else:
        for entry in missing:
            print(entry.msgid.replace("\n", "\\n"))
    for entry in mismatched:
        print(
            f"placeholders differ: {entry.msgid!r} -> {entry.msgstr!r}", file=sys.stderr
        )
    if missing or mismatched:
        print(
            f"{len(missing)} untranslated, {len(mismatched)} with other placeholders "
            f"({len(pot)} terms)",
            file=sys.stderr,
        )
        return 1
    print(f"all {len(pot)} terms translated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
