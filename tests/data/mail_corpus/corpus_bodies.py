"""The mails of odd bodies and single headers: bodies, subjects, bytes
(line ends, NUL), Message-ID and Date.
"""

import functools
import textwrap

from corpus_blocks import (
    BASE64,
    CUSTOMERS,
    SUPPORT,
    UTF8_HTML,
    UTF8_TEXT,
    attachment,
    b64_lines,
    compose,
    customer,
    from_customer,
    head,
    lines,
    made_up_bytes,
    mail,
    mime,
    multipart,
    part,
    register,
    text,
)

# ---------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------


@mail("Headers, the blank line, and an empty body.")
def _empty_body():
    return compose(
        from_customer("Ida", "Empty body", "body33", "Mon, 12 Jan 2026 08:00:00 +0000"),
        "\n",
    )


@mail("Headers only: no blank line, no body at all.")
def _no_body_at_all():
    headers = from_customer(
        "Jon", "No body at all", "body34", "Mon, 12 Jan 2026 08:10:00 +0000"
    )
    return compose(headers.rstrip("\n"))


@mail("The whole mail is one attachment (top-level application/pdf, base64).")
def _body_only_an_attachment():
    pdf = b"%PDF-1.4\n% made up for the corpus\n1 0 obj << >> endobj\n%%EOF\n"
    return compose(
        from_customer("Kim", "scan", "body35", "Mon, 12 Jan 2026 08:20:00 +0000"),
        mime(
            'application/pdf; name="scan.pdf"',
            b64_lines(pdf) + "\n",
            'Content-Disposition: attachment; filename="scan.pdf"',
            BASE64,
        ),
    )


@mail(
    "HTML only, broken: unclosed tags, stray closing tags, a script, an "
    "unterminated comment and an attribute without quotes."
)
def _html_only_broken():
    return compose(
        from_customer(
            "Lars", "Broken HTML", "body36", "Mon, 12 Jan 2026 08:30:00 +0000"
        ),
        mime(
            UTF8_HTML,
            text(
                """
                <html><body><div><p>The <b>printer <i>is</b> broken</i>
                </div></div></span><table><tr><td>cell<td>other
                <script>alert("corpus")</script><img src=x onerror=alert(1)>
                <p style="color:red>unterminated attribute
                <!-- a comment that never ends
                """
            ),
        ),
    )


@mail(
    "A winmail.dat (application/ms-tnef) attachment of made-up bytes "
    "behind the TNEF signature."
)
def _tnef_winmail_dat():
    tnef = b"\x78\x9f\x3e\x22" + made_up_bytes(37, 600)
    return compose(
        from_customer(
            "Mia", "Sent from Outlook", "body37", "Mon, 12 Jan 2026 08:40:00 +0000"
        ),
        multipart(
            "mixed",
            "tnef37",
            part("text/plain", "See the attachment.\n"),
            attachment(
                "application/ms-tnef", "winmail.dat", b64_lines(tnef) + "\n", BASE64
            ),
        ),
    )


@mail(
    "A calendar invitation: multipart/alternative with text/calendar; "
    "method=REQUEST."
)
def _calendar_invite():
    return compose(
        from_customer(
            "Nora",
            "Invitation: printer review",
            "body38",
            "Mon, 12 Jan 2026 08:50:00 +0000",
        ),
        multipart(
            "alternative",
            "cal38",
            part(UTF8_TEXT, "You are invited to the printer review.\n"),
            part(
                'text/calendar; charset="utf-8"; method=REQUEST',
                text(
                    """
                    BEGIN:VCALENDAR
                    VERSION:2.0
                    PRODID:-//crm_case corpus//EN
                    METHOD:REQUEST
                    BEGIN:VEVENT
                    UID:body38-event@customer.example.org
                    DTSTART:20260120T090000Z
                    DTEND:20260120T100000Z
                    SUMMARY:Printer review
                    ORGANIZER:mailto:nora@customer.example.org
                    ATTENDEE;RSVP=TRUE:mailto:{support}
                    END:VEVENT
                    END:VCALENDAR
                    """
                ),
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Subjects
# ---------------------------------------------------------------------------


@mail("A subject of about 20,000 characters, folded over many lines.")
def _huge_subject():
    words = " ".join(f"word{n}" for n in range(2500))
    folded = "\n ".join(textwrap.wrap(words, 70))
    return compose(
        from_customer("Olaf", folded, "subj39", "Tue, 13 Jan 2026 08:00:00 +0000"),
        "\nA long subject above.\n",
    )


# Plain mails from customers whose subject is the odd part:
# (name, description, customer, subject, Message-ID tag, date, body).
ODD_SUBJECTS = (
    (
        "subject_only_a_tag",
        "A subject made only of a case tag, ``[123]``.",
        "Pia",
        "[123]",
        "subj40",
        "Tue, 13 Jan 2026 08:10:00 +0000",
        "Only a tag in the subject.",
    ),
    (
        "subject_tags_of_missing_cases",
        "Tags of cases that do not exist, and tag-like brackets: "
        "``Re: [99999999] [88888888] Fwd: [0] [-1] [abc] []``.",
        "Quirin",
        "Re: [99999999] [88888888] Fwd: [0] [-1] [abc] []",
        "subj41",
        "Tue, 13 Jan 2026 08:20:00 +0000",
        "Tags of cases that do not exist.",
    ),
)


def plain_from_customer(name, subject, tag, date, body):
    """A mail of one text line from a customer, with the usual headers."""
    return compose(from_customer(name, subject, tag, date), "\n", lines(body))


for mail_name, description, *values in ODD_SUBJECTS:
    register(mail_name, description, functools.partial(plain_from_customer, *values))


# ---------------------------------------------------------------------------
# Bytes: line ends, NUL
# ---------------------------------------------------------------------------


@mail("Line ends mixed: CRLF, bare LF and bare CR, in headers and body.")
def _line_endings_mixed():
    return (
        b"From: Rosa <rosa@customer.example.org>\r\n"
        b"To: " + SUPPORT.encode() + b"\n"
        b"Subject: Mixed line ends\r"
        b"Message-ID: <bytes42.2026@customer.example.org>\r\n"
        b"Date: Wed, 14 Jan 2026 08:00:00 +0000\n"
        b"\r\n"
        b"CRLF line\r\nLF line\nCR line\rlast line\n"
    )


@mail("NUL bytes in the body of a text part.")
def _nul_bytes_in_body():
    return compose(
        from_customer(
            "Sven",
            "NUL bytes",
            "bytes43",
            "Wed, 14 Jan 2026 08:10:00 +0000",
            f"Content-Type: {UTF8_TEXT}",
        ),
        "\n",
        b"before\x00between\x00\x00after\nnext line \x00\n",
    )


# ---------------------------------------------------------------------------
# Message-ID and Date
# ---------------------------------------------------------------------------


@mail("No Message-ID header at all.")
def _no_message_id():
    return compose(
        head(customer("Tom"), "No Message-ID", "", "Thu, 15 Jan 2026 08:00:00 +0000"),
        "\nMy mail program forgot the Message-ID.\n",
    )


@mail(
    "A Message-ID with spaces, quotes, a comment, brackets and a raw "
    "UTF-8 character."
)
def _odd_message_id():
    return compose(
        head(
            customer("Ulla"),
            "Odd Message-ID",
            '(comment) <"odd id é"[45]{x}@[192.0.2.45]>',
            "Thu, 15 Jan 2026 08:10:00 +0000",
        ),
        "\nOdd characters in the Message-ID.\n",
    )


@mail("Two Message-ID header lines with different values.")
def _duplicate_message_id_lines():
    return compose(
        head(
            customer("Vera"),
            "Two Message-ID lines",
            f"<id46-first.2026@{CUSTOMERS}>",
            "",  # the Date comes after the second Message-ID
            f"Message-ID: <id46-second.2026@{CUSTOMERS}>",
            "Date: Thu, 15 Jan 2026 08:20:00 +0000",
        ),
        "\nTwo Message-ID lines.\n",
    )


@mail("An invalid Date header (no day 32, no hour 25, an unknown zone).")
def _invalid_date():
    return compose(
        from_customer(
            "Walt",
            "Invalid date",
            "date47",
            "Thursday, 32 Smarch 20XX 25:61:99 +9999 (NOWHERE)",
        ),
        "\nThe date above does not exist.\n",
    )
