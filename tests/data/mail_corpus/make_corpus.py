"""Write the odd mails of this folder, byte for byte, and their README.

Every mail was written for crm_case, after shapes seen in real mailboxes. The
tests read the .eml files; run this script again after changing a mail here:

    python3 make_corpus.py
"""

import base64
import functools
import os
import textwrap

DOMAIN = "crm-case-corpus.example.com"
SUPPORT = f"support@{DOMAIN}"
CUSTOMERS = "customer.example.org"
HERE = os.path.dirname(os.path.abspath(__file__))
MAILS = []

UTF8_TEXT = 'text/plain; charset="utf-8"'
UTF8_HTML = 'text/html; charset="utf-8"'
BASE64 = "Content-Transfer-Encoding: base64"
EIGHT_BIT = "Content-Transfer-Encoding: 8bit"


def register(name, description, maker):
    """Add a mail to the corpus; ``maker()`` returns its bytes."""
    MAILS.append((name, description, maker))


def mail(description):
    """Register the function below as the maker of one mail of the corpus."""

    def decorate(maker):
        register(maker.__name__.lstrip("_"), description, maker)
        return maker

    return decorate


# ---------------------------------------------------------------------------
# Building blocks: a mail is its header lines, the blank line and its body
# ---------------------------------------------------------------------------


def compose(*pieces):
    """A mail as bytes: text pieces in UTF-8, bytes pieces as they are."""
    return b"".join(
        piece if isinstance(piece, bytes) else piece.encode() for piece in pieces
    )


def lines(*items):
    """The items as lines, each ending with a newline."""
    return "".join(f"{item}\n" for item in items)


def text(block):
    """An indented text block, with the support address put in for {support}."""
    return textwrap.dedent(block).lstrip("\n").format(support=SUPPORT)


def head(sender, subject, message_id, date, *more, to=SUPPORT):
    """The header lines most mails start with, then the ``more`` lines; an
    empty value leaves its header out."""
    fields = {
        "From": sender,
        "To": to,
        "Subject": subject,
        "Message-ID": message_id,
        "Date": date,
    }
    return lines(
        *(f"{name}: {value}" for name, value in fields.items() if value), *more
    )


def customer(name):
    """The address of a customer: the first word of the name is the login."""
    return f"{name} <{name.split()[0].lower()}@{CUSTOMERS}>"


def from_customer(name, subject, tag, date, *more, to=SUPPORT):
    """The header lines of a mail from a customer, its Message-ID made of tag."""
    message_id = f"<{tag}.2026@{CUSTOMERS}>"
    return head(customer(name), subject, message_id, date, *more, to=to)


def part(content_type, body, *more):
    """A MIME entity: its Content-Type, the ``more`` header lines, the body."""
    return lines(f"Content-Type: {content_type}", *more) + "\n" + body


def attachment(content_type, file_name, body, *more):
    """A part with a file name, shown as an attachment."""
    disposition = f'Content-Disposition: attachment; filename="{file_name}"'
    return part(f'{content_type}; name="{file_name}"', body, disposition, *more)


def mime(content_type, body, *more):
    """The MIME header lines of a mail, the blank line and the body."""
    return "MIME-Version: 1.0\n" + part(content_type, body, *more)


def parts(boundary, *bodies, end=True):
    """A multipart body: each part after a delimiter, then the closing one."""
    closing = f"--{boundary}--\n" if end else ""
    return "".join(f"--{boundary}\n{body}" for body in bodies) + closing


def multipart(subtype, boundary, *bodies, end=True):
    """The MIME header lines and the body of a multipart mail."""
    content_type = f'multipart/{subtype}; boundary="{boundary}"'
    return mime(content_type, parts(boundary, *bodies, end=end))


def report(boundary, fold):
    """A multipart/report Content-Type, folded by ``fold`` before boundary."""
    return (
        f'multipart/report; report-type=delivery-status;\n{fold}boundary="{boundary}"'
    )


def b64_lines(data, width=76):
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i : i + width] for i in range(0, len(encoded), width))


def made_up_bytes(seed, size):
    """Deterministic bytes that look random (no real content behind them)."""
    out = bytearray()
    value = seed
    while len(out) < size:
        value = (value * 1103515245 + 12345) % 2**31
        out.append(value >> 16 & 0xFF)
    return bytes(out)


def our_reply(case, recipient, thing, message_id_suffix=""):
    """The header lines of the support's reply on case ``case``."""
    subject = f"[{case}] Your {thing} case"
    message_id = f"<case-{case}-reply{message_id_suffix}@{DOMAIN}>"
    return head(f"Support <{SUPPORT}>", subject, message_id, "", to=recipient)


def original_reply(tag):
    """The support's mail that a delivery report returns."""
    return our_reply(
        41, "Dora Dest <dora@unreachable.example.org>", "printer", f".{tag}"
    ) + lines(
        "Date: Mon, 05 Jan 2026 09:00:00 +0000",
        "MIME-Version: 1.0",
        f"Content-Type: {UTF8_TEXT}",
        "",
        "We have looked at your printer.",
    )


def dsn(senders, message_id, recipient, action="failed"):
    """A delivery status notification (RFC 3464) about a mail of ours.

    :param senders: the sender's header lines, each ending with a newline
    """
    status = "5.1.1" if action == "failed" else "4.4.7"
    # The Message-ID names the boundary and the returned mail: <dsnNN.…>
    boundary = f"dsn-{message_id[1:6]}"
    delivery_status = lines(
        "Reporting-MTA: dns; mx1.unreachable.example.org",
        "Arrival-Date: Mon, 05 Jan 2026 09:00:30 +0000",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        f"Original-Recipient: rfc822;{recipient}",
        f"Action: {action}",
        f"Status: {status}",
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: mailbox unknown",
        "",
    )
    body = "This is a MIME-encapsulated message.\n\n" + parts(
        boundary,
        part(
            'text/plain; charset="us-ascii"',
            f"Your message could not be delivered to {recipient}.\n\n",
        ),
        part("message/delivery-status", delivery_status),
        part(
            "message/rfc822",
            original_reply(message_id[4:6]) + "\n",
            "Content-Description: Undelivered Message",
        ),
    )
    return compose(
        senders,
        head(
            "",
            "Undelivered Mail Returned to Sender",
            message_id,
            "Mon, 05 Jan 2026 09:01:00 +0000",
            "Auto-Submitted: auto-replied",
        ),
        mime(report(boundary, "\t"), body),
    )


def bounce(name, description, senders, message_id, recipient, action="failed"):
    """Register a delivery report made by dsn()."""
    maker = functools.partial(dsn, senders, message_id, recipient, action)
    register(name, description, maker)


# ---------------------------------------------------------------------------
# Bounces and delivery reports with an empty sender
# ---------------------------------------------------------------------------

bounce(
    "dsn_mailer_daemon_empty_address",
    "Bounce (RFC 3464 multipart/report) from ``MAILER-DAEMON <>`` with "
    "``Return-Path: <>``: the sender address is empty.",
    "Return-Path: <>\nFrom: MAILER-DAEMON <>\n",
    "<dsn01.2026@mx1.unreachable.example.org>",
    "dora@unreachable.example.org",
)


@mail(
    "Bounce whose From is only ``<>``; the report holds the original's "
    "headers as text/rfc822-headers instead of the whole mail."
)
def _dsn_from_empty_angle_brackets():
    erik = "erik@unreachable.example.org"
    delivery_status = lines(
        "Reporting-MTA: dns; relay.example.net",
        "",
        f"Final-Recipient: rfc822; {erik}",
        "Action: failed",
        "Status: 5.2.2",
        "Diagnostic-Code: smtp; 552 mailbox full",
        "",
    )
    body = parts(
        "dsn02",
        part(
            "text/plain",
            f"Delivery to the following recipient failed permanently:\n    {erik}\n\n",
        ),
        part("message/delivery-status", delivery_status),
        part("text/rfc822-headers", our_reply(42, erik, "scanner") + "\n"),
    )
    return compose(
        "Return-Path: <>\n",
        head(
            "<>",
            "Delivery Status Notification (Failure)",
            "<dsn02.2026@relay.example.net>",
            "Mon, 05 Jan 2026 10:00:00 +0000",
        ),
        mime(report("dsn02", " "), body),
    )


bounce(
    "dsn_no_from_header",
    "Bounce with no From header at all, only ``Return-Path: <>``.",
    "Return-Path: <>\n",
    "<dsn03.2026@mx1.unreachable.example.org>",
    "fred@unreachable.example.org",
)
bounce(
    "dsn_delayed_postmaster",
    "Delay warning (Action: delayed) from postmaster with an empty "
    "``Return-Path: <>``; Auto-Submitted: auto-replied.",
    "Return-Path: <>\nFrom: postmaster@mx2.slow.example.net\n",
    "<dsn04.2026@mx2.slow.example.net>",
    "gina@slow.example.net",
    action="delayed",
)
bounce(
    "dsn_series_first",
    "First of three bounces in a row from ``Mail Delivery System <>``.",
    "Return-Path: <>\nFrom: Mail Delivery System <>\n",
    "<dsn05.2026@mx1.unreachable.example.org>",
    "hugo@unreachable.example.org",
)
bounce(
    "dsn_series_second",
    "Second bounce of the series from ``Mail Delivery System <>``.",
    "Return-Path: <>\nFrom: Mail Delivery System <>\n",
    "<dsn06.2026@mx1.unreachable.example.org>",
    "ines@unreachable.example.org",
)
bounce(
    "dsn_series_third",
    "Third bounce of the series, with an X-Failed-Recipients header.",
    "Return-Path: <>\nFrom: Mail Delivery System <>\n"
    "X-Failed-Recipients: jan@unreachable.example.org\n",
    "<dsn07.2026@mx1.unreachable.example.org>",
    "jan@unreachable.example.org",
)


@mail(
    "Plain-text bounce in the qmail style: no multipart/report, the "
    "original quoted after a dashed line, from MAILER-DAEMON@host."
)
def _bounce_plain_text_qmail_style():
    karl = "karl@oldhost.example.net"
    return compose(
        "Return-Path: <>\n",
        head(
            "MAILER-DAEMON@mail.oldhost.example.net",
            "failure notice",
            "<dsn08.2026@mail.oldhost.example.net>",
            "5 Jan 2026 11:00:00 -0000",
        ),
        "\n",
        text(
            """
            Hi. This is the qmail-send program at mail.oldhost.example.net.
            I'm afraid I wasn't able to deliver your message to the following
            addresses. This is a permanent error; I've given up. Sorry it didn't
            work out.

            <karl@oldhost.example.net>:
            Sorry, no mailbox here by that name. (#5.1.1)

            --- Below this line is a copy of the message.

            """
        ),
        f"Return-Path: <{SUPPORT}>\n",
        our_reply(43, karl, "router"),
        "\nWe have looked at your router.\n",
    )


# ---------------------------------------------------------------------------
# mbox "From " lines
# ---------------------------------------------------------------------------


@mail("A plain mail preceded by an mbox ``From sender date`` line.")
def _mbox_prefixed_plain():
    return compose(
        "From lena@customer.example.org Mon Jan  1 00:00:00 2026\n",
        from_customer(
            "Lena Lang",
            "Copied from my mbox file",
            "mbox10",
            "Thu, 01 Jan 2026 00:00:00 +0000",
        ),
        "\nI saved this mail from my mailbox file and sent it as it was.\n",
    )


@mail("A delivery report (RFC 3464) preceded by an mbox ``From`` line.")
def _mbox_prefixed_dsn():
    return b"From MAILER-DAEMON Mon Jan  1 00:00:00 2026\n" + dsn(
        "Return-Path: <>\nFrom: MAILER-DAEMON <>\n",
        "<dsn11.2026@mx1.unreachable.example.org>",
        "mona@unreachable.example.org",
    )


@mail(
    "mbox-prefixed delivery report whose multipart/report boundary "
    "parameter does not match the body: Odoo's bounce parser meets a "
    "string where it expects a message ('str' object has no attribute "
    "'get_all')."
)
def _mbox_prefixed_dsn_boundary_mismatch():
    nils = "nils@unreachable.example.org"
    delivery_status = lines(
        "Reporting-MTA: dns; mx1.unreachable.example.org",
        "",
        f"Final-Recipient: rfc822; {nils}",
        "Action: failed",
        "Status: 5.1.1",
    )
    body = parts(
        "real-boundary",
        part("text/plain", f"Your message could not be delivered to {nils}.\n"),
        part("message/delivery-status", delivery_status),
    )
    return compose(
        "From MAILER-DAEMON Mon Jan  1 00:00:00 2026\nReturn-Path: <>\n",
        head(
            "MAILER-DAEMON <>",
            "Undelivered Mail Returned to Sender",
            "<dsn12.2026@mx1.unreachable.example.org>",
            "Mon, 05 Jan 2026 09:01:00 +0000",
        ),
        mime(report("declared-but-absent", " "), body),
    )


@mail(
    "mbox-prefixed mail whose body holds ``From`` and ``>From`` lines, "
    "as mbox writers escape them."
)
def _mbox_escaped_from_lines():
    return compose(
        "From otto@customer.example.org Fri Jan  2 08:00:00 2026\n",
        from_customer(
            "Otto",
            "From lines in the body",
            "mbox13",
            "Fri, 02 Jan 2026 08:00:00 +0000",
        ),
        "\n",
        lines(
            ">From the start the printer was slow.",
            "From time to time it stops.",
            ">>From what I read this is known.",
        ),
    )


# ---------------------------------------------------------------------------
# Robots: auto-replies and lists
# ---------------------------------------------------------------------------


@mail("Out-of-office reply with ``Auto-Submitted: auto-replied``.")
def _autoreply_auto_submitted():
    return compose(
        head(
            customer("Paula Away"),
            "Automatic reply: [44] Your printer case",
            f"<auto14.2026@{CUSTOMERS}>",
            "",  # the Date comes after In-Reply-To
            f"In-Reply-To: <case-44-reply@{DOMAIN}>",
            "Date: Tue, 06 Jan 2026 07:00:00 +0100",
            "Auto-Submitted: auto-replied",
            "X-Auto-Response-Suppress: All",
            f"Content-Type: {UTF8_TEXT}",
        ),
        "\nI am out of the office until Monday.\n",
    )


@mail("Vacation reply with ``X-Autoreply: yes`` and ``Precedence: junk``.")
def _autoreply_x_autoreply_junk():
    return compose(
        head(
            "quentin@customer.example.org",
            "Re: Your request (vacation)",
            "<auto15.2026@customer.example.org>",
            "Tue, 06 Jan 2026 07:30:00 +0100",
            "X-Autoreply: yes",
            "Precedence: junk",
        ),
        "\nOn holiday. Your mail will not be forwarded.\n",
    )


@mail("Newsletter with ``Precedence: bulk`` and List-Unsubscribe.")
def _precedence_bulk_newsletter():
    return compose(
        head(
            '"Printer News" <news@vendor.example.com>',
            "Printer News - January",
            "<news16.2026@vendor.example.com>",
            "Wed, 07 Jan 2026 06:00:00 +0000",
            "Precedence: bulk",
            "List-Unsubscribe: <mailto:unsubscribe@vendor.example.com>",
        ),
        multipart(
            "alternative",
            "news16",
            part(UTF8_TEXT, "New toner cartridges are out.\n"),
            part(
                UTF8_HTML,
                "<html><body><h1>New toner</h1><p>Cartridges are out.</p>"
                "</body></html>\n",
            ),
        ),
    )


@mail(
    "Mailing-list mail (``Precedence: list``, List-Id) addressed to the "
    "list; support is only in Delivered-To."
)
def _precedence_list_delivered_to():
    return compose(
        f"Delivered-To: {SUPPORT}\n",
        head(
            "Rita <rita@members.example.org>",
            "[users] Who else has a broken printer?",
            "<list17.2026@members.example.org>",
            "Wed, 07 Jan 2026 12:00:00 +0000",
            "Precedence: list",
            "List-Id: Printer users <users.lists.example.org>",
            "Sender: users-bounces@lists.example.org",
            to="users@lists.example.org",
        ),
        "\nJust asking around.\n",
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


# ---------------------------------------------------------------------------
# Transfer encodings
# ---------------------------------------------------------------------------


@mail(
    "base64 body with garbage: characters outside the alphabet, a wrong "
    "padding and a truncated last group."
)
def _base64_with_garbage():
    garbage = lines(
        "VGhlIHByaW50ZXIg!!!aXMgYnJva2VuLg==",
        "###not base64 at all###",
        "VGhlIHByaW50ZXIgaX=MgYnJv",
        "a2V",
    )
    return compose(
        from_customer(
            "Xaver", "Garbage in base64", "cte48", "Fri, 16 Jan 2026 08:00:00 +0000"
        ),
        mime(UTF8_TEXT, garbage, BASE64),
    )


@mail(
    "quoted-printable gone wrong: soft breaks before spaces, ``=`` "
    "followed by non-hex, a truncated escape and ``=`` as the last byte."
)
def _quoted_printable_broken():
    return compose(
        from_customer(
            "Yvonne",
            "Broken quoted-printable",
            "cte49",
            "Fri, 16 Jan 2026 08:10:00 +0000",
        ),
        mime(UTF8_TEXT, "", "Content-Transfer-Encoding: quoted-printable"),
        b"The print=\n"
        b"er is bro=  \n"
        b"ken =ZZ and =C3=A9 and =E2=9C half =4\n"
        b"trailing soft break=",
    )


@mail("``Content-Transfer-Encoding: x-uuencode`` attachment (begin/end).")
def _x_uuencode_attachment():
    uuencoded = lines("begin 644 printer.log", "1<')I;G1E<B!E<G)O<B`T,@H`", "`", "end")
    return compose(
        from_customer(
            "Zack", "uuencoded log", "cte50", "Fri, 16 Jan 2026 08:20:00 +0000"
        ),
        multipart(
            "mixed",
            "uu50",
            part("text/plain", "The log is attached.\n"),
            attachment(
                "application/octet-stream",
                "printer.log",
                uuencoded,
                "Content-Transfer-Encoding: x-uuencode",
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Signed and encrypted
# ---------------------------------------------------------------------------


@mail(
    "S/MIME signed (multipart/signed, application/pkcs7-signature) with "
    "a made-up signature."
)
def _smime_signed():
    signature = b"0\x82\x01\x00" + made_up_bytes(51, 300)
    body = "This is a cryptographically signed message in MIME format.\n\n" + parts(
        "sig51",
        part(UTF8_TEXT, "Please replace the toner.\n"),
        part(
            'application/pkcs7-signature; name="smime.p7s"',
            b64_lines(signature) + "\n\n",
            BASE64,
            'Content-Disposition: attachment; filename="smime.p7s"',
        ),
    )
    return compose(
        from_customer(
            "Anke", "Signed request", "sign51", "Sat, 17 Jan 2026 08:00:00 +0000"
        ),
        mime(
            'multipart/signed; protocol="application/pkcs7-signature";\n'
            ' micalg=sha-256; boundary="sig51"',
            body,
        ),
    )


@mail("PGP/MIME encrypted (multipart/encrypted) with made-up ciphertext.")
def _pgp_encrypted():
    armor = lines(
        "-----BEGIN PGP MESSAGE-----",
        "",
        b64_lines(made_up_bytes(52, 240), 64),
        "=corp",
        "-----END PGP MESSAGE-----",
        "",
    )
    body = "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n" + parts(
        "pgp52",
        part(
            "application/pgp-encrypted",
            "Version: 1\n\n",
            "Content-Description: PGP/MIME version identification",
        ),
        part(
            'application/octet-stream; name="encrypted.asc"',
            armor,
            'Content-Disposition: inline; filename="encrypted.asc"',
        ),
    )
    return compose(
        from_customer("Bodo", "...", "crypt52", "Sat, 17 Jan 2026 08:10:00 +0000"),
        mime(
            'multipart/encrypted; protocol="application/pgp-encrypted";\n'
            ' boundary="pgp52"',
            body,
        ),
    )


# ---------------------------------------------------------------------------
# Shape: many parts, deep nesting
# ---------------------------------------------------------------------------


@mail("200 small parts in one multipart/mixed: text parts and attachments.")
def _two_hundred_parts():
    bodies = [
        attachment("text/plain", f"part{number}.txt", f"attachment {number}\n")
        if number % 2
        else part("text/plain", f"text {number}\n")
        for number in range(200)
    ]
    return compose(
        from_customer(
            "Cleo", "Two hundred parts", "shape53", "Sun, 18 Jan 2026 08:00:00 +0000"
        ),
        multipart("mixed", "many53", *bodies),
    )


@mail("multipart nested ten levels deep, a text part at the bottom.")
def _nested_multipart_depth_ten():
    body = part("text/plain", "The bottom of the nest.\n")
    for level in range(10, 0, -1):
        kind = "mixed" if level % 2 else "alternative"
        boundary = f"deep54-{level}"
        body = part(f'multipart/{kind}; boundary="{boundary}"', parts(boundary, body))
    return compose(
        from_customer(
            "Dirk",
            "Ten levels of multipart",
            "shape54",
            "Sun, 18 Jan 2026 08:10:00 +0000",
            "MIME-Version: 1.0",
        ),
        body,
    )


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------

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
