"""Write the odd mails of this folder, byte for byte, and their README.

Every mail was written for crm_case, after shapes seen in real mailboxes. The
tests read the .eml files; run this script again after changing a mail here:

    python3 make_corpus.py
"""

import importlib
import os
import textwrap

from corpus_blocks import MAILS

HERE = os.path.dirname(os.path.abspath(__file__))

# The modules of the mails, in the order of their numbers: importing one
# registers its mails (corpus_blocks.mail), and the files are numbered in
# the order of registration.
MAIL_MODULES = ("corpus_robots", "corpus_mime", "corpus_bodies", "corpus_encodings")

README_HEAD = """\
Odd real-world mail
===================

Mails of unusual shapes that the gateway tests feed through the MTA pipe and
through fetchmail (``tests/test_crm_case_mail_corpus.py``): each must end as
exactly one case message or one failed incoming mail, and never as an error
for the caller.

Origin: every mail was written for crm_case (LGPL-3, as the module), after
shapes seen in real mailboxes; none is copied from another test suite, and
the signatures, ciphertexts and attachments are made-up bytes. The
files are written byte for byte by ``make_corpus.py`` (run it again after a
change). Every mail is addressed to ``support@crm-case-corpus.example.com``:
the tests replace that domain by the alias domain of their database.

"""


def main():
    for module in MAIL_MODULES:
        importlib.import_module(module)
    rows = []
    for number, (name, description, maker) in enumerate(MAILS, 1):
        file_name = f"{number:02d}_{name}.eml"
        with open(os.path.join(HERE, file_name), "wb") as handle:
            handle.write(maker())
        rows.append((file_name, description))
    with open(os.path.join(HERE, "README.rst"), "w") as handle:
        handle.write(README_HEAD)
        for file_name, description in rows:
            handle.write(f"``{file_name}``\n")
            wrapped = textwrap.fill(description, 74, break_on_hyphens=False)
            handle.write(textwrap.indent(wrapped, "    "))
            handle.write("\n    Origin: written for crm_case.\n\n")
    print(f"{len(rows)} mails written")


if __name__ == "__main__":
    main()
