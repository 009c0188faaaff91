"""The mails of odd MIME and headers: mails in mails, broken MIME
structure, 8-bit and encoded-word headers and charsets, recipients and
header lines.
"""

from corpus_blocks import (
    CUSTOMERS,
    EIGHT_BIT,
    SUPPORT,
    UTF8_TEXT,
    attachment,
    compose,
    customer,
    from_customer,
    head,
    lines,
    mail,
    mime,
    multipart,
    part,
    parts,
)

# ---------------------------------------------------------------------------
# Mails in mails
# ---------------------------------------------------------------------------


@mail("multipart/digest of three mails (parts default to message/rfc822).")
def _digest_three_mails():
    items = [
        "\n"
        + head(
            f"{who}@members.example.org",
            f"Digest item {number}",
            f"<digest18-item{number}@members.example.org>",
            "",
            to="",
        )
        + f"\nItem {number} of the digest.\n"
        for number, who in enumerate(("sam", "tina", "uwe"), 1)
    ]
    return compose(
        head(
            "users-request@lists.example.org",
            "users Digest, Vol 12, Issue 3",
            "<digest18.2026@lists.example.org>",
            "Thu, 08 Jan 2026 00:00:00 +0000",
        ),
        multipart("digest", "digest18", *items),
    )


@mail("message/rfc822 nested four levels deep, each level a forward.")
def _nested_rfc822_four_levels():
    inner = head(
        f"victor@{CUSTOMERS}",
        "the original",
        f"<nested19-level4@{CUSTOMERS}>",
        "",
        to=f"wendy@{CUSTOMERS}",
    )
    inner += "\nThe very first text.\n"
    for level in (3, 2, 1):
        inner = head(
            f"level{level}@{CUSTOMERS}",
            f"Fwd: level {level}",
            f"<nested19-level{level}@{CUSTOMERS}>",
            "",
            to="someone@example.org",
        ) + multipart(
            "mixed",
            f"n19-{level}",
            part("text/plain", f"Forwarding level {level}.\n"),
            part("message/rfc822", inner),
        )
    return compose(
        from_customer(
            "Victor",
            "Fwd: Fwd: Fwd: the original",
            "nested19",
            "Thu, 08 Jan 2026 09:00:00 +0000",
        ),
        multipart(
            "mixed",
            "n19-0",
            part("text/plain", "See the chain below.\n"),
            part("message/rfc822", inner),
        ),
    )


@mail(
    "A customer's mail forwarded as an attachment (message/rfc822 with "
    "Content-Disposition: attachment and a file name)."
)
def _forward_as_attachment():
    complaint = head(
        f"Branch <branch@{CUSTOMERS}>",
        "complaint",
        f"<fwd20-inner@{CUSTOMERS}>",
        "Wed, 07 Jan 2026 16:00:00 +0000",
        to=f"xenia@{CUSTOMERS}",
    )
    return compose(
        from_customer(
            "Xenia",
            "Fw: complaint from our branch",
            "fwd20",
            "Thu, 08 Jan 2026 10:00:00 +0000",
        ),
        multipart(
            "mixed",
            "fwd20",
            part(UTF8_TEXT, "Please see the attached complaint.\n"),
            attachment(
                "message/rfc822",
                "complaint.eml",
                complaint + "\nThe delivery was late again.\n",
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Broken MIME structure
# ---------------------------------------------------------------------------


@mail("multipart/mixed whose closing boundary is missing (the mail just ends).")
def _missing_closing_boundary():
    return compose(
        from_customer(
            "Yann", "Cut off mail", "mime21", "Fri, 09 Jan 2026 08:00:00 +0000"
        ),
        multipart(
            "mixed",
            "cut21",
            part("text/plain", "The first part is whole.\n"),
            attachment("text/plain", "notes.txt", "The second part never ends\n"),
            end=False,
        ),
    )


@mail(
    "multipart/alternative with a declared boundary that the body never "
    "uses (the body uses another one)."
)
def _boundary_never_used():
    return compose(
        from_customer(
            "Zoe", "Boundary never used", "mime22", "Fri, 09 Jan 2026 08:10:00 +0000"
        ),
        mime(
            'multipart/alternative; boundary="declared22"',
            parts(
                "other22",
                part("text/plain", "The printer is broken.\n"),
                part("text/html", "<p>The printer is broken.</p>\n"),
            ),
        ),
    )


@mail("multipart/mixed with no boundary parameter in its Content-Type.")
def _multipart_without_boundary():
    return compose(
        from_customer(
            "Adam", "No boundary parameter", "mime23", "Fri, 09 Jan 2026 08:20:00 +0000"
        ),
        mime(
            "multipart/mixed",
            parts("whatever", part("text/plain", "There is a part here.\n")),
        ),
    )


# ---------------------------------------------------------------------------
# Headers: 8-bit bytes, encoded words, charsets
# ---------------------------------------------------------------------------


@mail("Subject and sender name in raw latin-1 bytes, no RFC 2047 encoding.")
def _raw_latin1_headers():
    headers = head(
        f"Bj\xf6rn M\xfcller <bjoern@{CUSTOMERS}>",
        "Dr\xfccker kaputt, bitte R\xfcckruf \xe0 la carte",
        f"<hdr24.2026@{CUSTOMERS}>",
        "Sat, 10 Jan 2026 08:00:00 +0100",
    )
    return (headers + "\nDer Drucker druckt nicht.\n").encode("latin-1")


@mail("Subject, sender and recipient names in raw UTF-8 bytes, no RFC 2047.")
def _raw_utf8_headers():
    return compose(
        head(
            f"Zoë Ærøskøbing <zoe.ae@{CUSTOMERS}>",
            "打印机坏了 — l'imprimante est cassée ✓",
            f"<hdr25.2026@{CUSTOMERS}>",
            "Sat, 10 Jan 2026 08:10:00 +0100",
            "Content-Type: text/plain; charset=utf-8",
            to=f"Support Ünïcødé <{SUPPORT}>",
        ),
        "\nÇa ne marche pas.\n",
    )


@mail(
    "Malformed RFC 2047 encoded-words: unterminated, unknown charset, "
    "invalid base64, an encoded word in a quoted display name and in the "
    "middle of a word."
)
def _malformed_encoded_words():
    return compose(
        head(
            f'"=?utf-8?B?QmVydGE=?=" <berta@{CUSTOMERS}>',
            "=?utf-8?Q?Printer_=E2=9C?= broken =?utf-8?B?!!notb64!!?= and\n"
            " =?iso-8859-1?q?unterminated_word mid=?utf-8?Q?dle?=word",
            f"<hdr26.2026@{CUSTOMERS}>",
            "Sat, 10 Jan 2026 08:20:00 +0100",
            to=f"=?x-nothing?Q?Support?= <{SUPPORT}>",
        ),
        "\nThe subject line was written by a very old mail program.\n",
    )


@mail('A text part with ``charset="x-unknown"``, with 8-bit bytes.')
def _unknown_charset():
    return compose(
        from_customer(
            "Carl", "Unknown charset", "cs27", "Sat, 10 Jan 2026 09:00:00 +0000"
        ),
        mime('text/plain; charset="x-unknown"', "", EIGHT_BIT),
        b"Bytes of no known charset: \x8e\x9a\xfe\xff\x81 end.\n",
    )


@mail(
    "Declared charsets that lie: us-ascii over latin-1 bytes, and "
    "iso-8859-1 over UTF-8 bytes, in two parts."
)
def _wrong_declared_charset():
    # The first part's body is latin-1 bytes: written between the text pieces.
    ascii_part = part('text/plain; charset="us-ascii"', "", EIGHT_BIT)
    html = part(
        'text/html; charset="iso-8859-1"', "<p>Привет, こんにちは</p>\n", EIGHT_BIT
    )
    return compose(
        from_customer(
            "Dana", "Wrong charset", "cs28", "Sat, 10 Jan 2026 09:10:00 +0000"
        ),
        multipart("mixed", "cs28", ascii_part, end=False),
        "Caf\xe9 cr\xe8me\n".encode("latin-1"),
        parts("cs28", html),
    )


# ---------------------------------------------------------------------------
# Recipients and header lines
# ---------------------------------------------------------------------------


@mail("No To header: support is reached through Delivered-To only (a Bcc).")
def _no_to_header():
    return compose(
        f"Delivered-To: {SUPPORT}\n",
        from_customer(
            "Eva",
            "Sent as a blind copy",
            "rcpt29",
            "Sun, 11 Jan 2026 10:00:00 +0000",
            to="",
        ),
        "\nYou are in Bcc.\n",
    )


@mail("Two To header lines, support in the second one.")
def _several_to_headers():
    return compose(
        lines(f"From: {customer('Finn')}", f"To: someone.else@{CUSTOMERS}"),
        head(
            "",
            "Two To lines",
            f"<rcpt30.2026@{CUSTOMERS}>",
            "Sun, 11 Jan 2026 10:10:00 +0000",
        ),
        "\nTwo To lines, which RFC 5322 forbids.\n",
    )


@mail(
    "Very long unfolded header lines: a To of 150 addresses, a References "
    "of 120 ids and an X- header of 8,000 characters, each on one line."
)
def _very_long_header_lines():
    recipients = ", ".join(f"user{n}@many.example.org" for n in range(150))
    references = " ".join(f"<ref{n}.long31@{CUSTOMERS}>" for n in range(120))
    return compose(
        head(
            customer("Gus"),
            "",
            "",
            "",
            f"References: {references}",
            f"X-Long-Header: {'x' * 8000}",
            to=f"{recipients}, {SUPPORT}",
        ),
        head(
            "",
            "Very long header lines",
            f"<long31.2026@{CUSTOMERS}>",
            "Sun, 11 Jan 2026 10:20:00 +0000",
            to="",
        ),
        "\nLong lines above.\n",
    )


@mail(
    "Header folding oddities: tab folds, a whitespace-only continuation, "
    "``Subject :`` with a space before the colon, a header with no space "
    "after the colon, an empty header and a continuation of nothing."
)
def _header_folding_oddities():
    return compose(
        "From:Hanna <hanna@customer.example.org>\n"
        f"To:\n\t{SUPPORT}\n"
        "Subject :  Folded\n"
        "\t\tsubject\n"
        " \n"
        "   over lines\n"
        "X-Empty:\n"
        "Message-ID:\n <fold32.2026@customer.example.org>\n"
        "Date: Sun, 11 Jan 2026\n 10:30:00 +0000\n"
        "\n"
        "Folded headers above.\n"
    )
