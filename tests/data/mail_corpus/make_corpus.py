"""Write the odd mails of this folder, byte for byte, and their README.

Every mail was written for crm_case, after shapes seen in real mailboxes. The
tests read the .eml files; run this script again after changing a mail here:

    python3 make_corpus.py
"""

import base64
import os
import textwrap

DOMAIN = "crm-case-corpus.example.com"
SUPPORT = f"support@{DOMAIN}"
HERE = os.path.dirname(os.path.abspath(__file__))
MAILS = []


def mail(description):
    """Register the function below as the maker of one mail of the corpus."""

    def register(maker):
        MAILS.append((maker.__name__.lstrip("_"), description, maker))
        return maker

    return register


def text(block):
    """A mail written as an indented text block, as bytes with LF line ends."""
    return textwrap.dedent(block).lstrip("\n").format(support=SUPPORT).encode()


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


ORIGINAL_REPLY = """\
From: Support <{support}>
To: Dora Dest <dora@unreachable.example.org>
Subject: [41] Your printer case
Message-ID: <case-41-reply.{tag}@{domain}>
Date: Mon, 05 Jan 2026 09:00:00 +0000
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"

We have looked at your printer.
"""


def original_reply(tag):
    return ORIGINAL_REPLY.format(support=SUPPORT, tag=tag, domain=DOMAIN)


def dsn(headers, msg_id, recipient, original, action="failed"):
    """A delivery status notification (RFC 3464) about a mail of ours.

    :param headers: the sender's header lines, each ending with a newline
    """
    status = "5.1.1" if action == "failed" else "4.4.7"
    boundary = f"dsn-{msg_id[1:6]}"
    return (
        f"{headers}To: {SUPPORT}\n"
        "Subject: Undelivered Mail Returned to Sender\n"
        f"Message-ID: {msg_id}\n"
        "Date: Mon, 05 Jan 2026 09:01:00 +0000\n"
        "Auto-Submitted: auto-replied\n"
        "MIME-Version: 1.0\n"
        "Content-Type: multipart/report; report-type=delivery-status;\n"
        f'\tboundary="{boundary}"\n'
        "\nThis is a MIME-encapsulated message.\n\n"
        f"--{boundary}\n"
        'Content-Type: text/plain; charset="us-ascii"\n\n'
        f"Your message could not be delivered to {recipient}.\n\n"
        f"--{boundary}\n"
        "Content-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx1.unreachable.example.org\n"
        "Arrival-Date: Mon, 05 Jan 2026 09:00:30 +0000\n\n"
        f"Final-Recipient: rfc822; {recipient}\n"
        f"Original-Recipient: rfc822;{recipient}\n"
        f"Action: {action}\n"
        f"Status: {status}\n"
        f"Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: mailbox unknown\n\n"
        f"--{boundary}\n"
        "Content-Type: message/rfc822\n"
        "Content-Description: Undelivered Message\n\n"
        f"{original}\n"
        f"--{boundary}--\n"
    ).encode()


# ---------------------------------------------------------------------------
# Bounces and delivery reports with an empty sender
# ---------------------------------------------------------------------------


@mail(
    "Bounce (RFC 3464 multipart/report) from ``MAILER-DAEMON <>`` with "
    "``Return-Path: <>``: the sender address is empty."
)
def _dsn_mailer_daemon_empty_address():
    return dsn(
        "Return-Path: <>\nFrom: MAILER-DAEMON <>\n",
        "<dsn01.2026@mx1.unreachable.example.org>",
        "dora@unreachable.example.org",
        original_reply("01"),
    )


@mail(
    "Bounce whose From is only ``<>``; the report holds the original's "
    "headers as text/rfc822-headers instead of the whole mail."
)
def _dsn_from_empty_angle_brackets():
    return text(
        """
        Return-Path: <>
        From: <>
        To: {support}
        Subject: Delivery Status Notification (Failure)
        Message-ID: <dsn02.2026@relay.example.net>
        Date: Mon, 05 Jan 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
         boundary="dsn02"

        --dsn02
        Content-Type: text/plain

        Delivery to the following recipient failed permanently:
            erik@unreachable.example.org

        --dsn02
        Content-Type: message/delivery-status

        Reporting-MTA: dns; relay.example.net

        Final-Recipient: rfc822; erik@unreachable.example.org
        Action: failed
        Status: 5.2.2
        Diagnostic-Code: smtp; 552 mailbox full

        --dsn02
        Content-Type: text/rfc822-headers

        From: Support <{support}>
        To: erik@unreachable.example.org
        Subject: [42] Your scanner case
        Message-ID: <case-42-reply@crm-case-corpus.example.com>

        --dsn02--
        """
    )


@mail("Bounce with no From header at all, only ``Return-Path: <>``.")
def _dsn_no_from_header():
    return dsn(
        "Return-Path: <>\n",
        "<dsn03.2026@mx1.unreachable.example.org>",
        "fred@unreachable.example.org",
        original_reply("03"),
    )


@mail(
    "Delay warning (Action: delayed) from postmaster with an empty "
    "``Return-Path: <>``; Auto-Submitted: auto-replied."
)
def _dsn_delayed_postmaster():
    return dsn(
        "Return-Path: <>\nFrom: postmaster@mx2.slow.example.net\n",
        "<dsn04.2026@mx2.slow.example.net>",
        "gina@slow.example.net",
        original_reply("04"),
        action="delayed",
    )


@mail("First of three bounces in a row from ``Mail Delivery System <>``.")
def _dsn_series_first():
    return dsn(
        "Return-Path: <>\nFrom: Mail Delivery System <>\n",
        "<dsn05.2026@mx1.unreachable.example.org>",
        "hugo@unreachable.example.org",
        original_reply("05"),
    )


@mail("Second bounce of the series from ``Mail Delivery System <>``.")
def _dsn_series_second():
    return dsn(
        "Return-Path: <>\nFrom: Mail Delivery System <>\n",
        "<dsn06.2026@mx1.unreachable.example.org>",
        "ines@unreachable.example.org",
        original_reply("06"),
    )


@mail("Third bounce of the series, with an X-Failed-Recipients header.")
def _dsn_series_third():
    return dsn(
        "Return-Path: <>\nFrom: Mail Delivery System <>\n"
        "X-Failed-Recipients: jan@unreachable.example.org\n",
        "<dsn07.2026@mx1.unreachable.example.org>",
        "jan@unreachable.example.org",
        original_reply("07"),
    )


@mail(
    "Plain-text bounce in the qmail style: no multipart/report, the "
    "original quoted after a dashed line, from MAILER-DAEMON@host."
)
def _bounce_plain_text_qmail_style():
    return text(
        """
        Return-Path: <>
        From: MAILER-DAEMON@mail.oldhost.example.net
        To: {support}
        Subject: failure notice
        Message-ID: <dsn08.2026@mail.oldhost.example.net>
        Date: 5 Jan 2026 11:00:00 -0000

        Hi. This is the qmail-send program at mail.oldhost.example.net.
        I'm afraid I wasn't able to deliver your message to the following
        addresses. This is a permanent error; I've given up. Sorry it didn't
        work out.

        <karl@oldhost.example.net>:
        Sorry, no mailbox here by that name. (#5.1.1)

        --- Below this line is a copy of the message.

        Return-Path: <{support}>
        From: Support <{support}>
        To: karl@oldhost.example.net
        Subject: [43] Your router case
        Message-ID: <case-43-reply@crm-case-corpus.example.com>

        We have looked at your router.
        """
    )


# ---------------------------------------------------------------------------
# mbox "From " lines
# ---------------------------------------------------------------------------


@mail("A plain mail preceded by an mbox ``From sender date`` line.")
def _mbox_prefixed_plain():
    return text(
        """
        From lena@customer.example.org Mon Jan  1 00:00:00 2026
        From: Lena Lang <lena@customer.example.org>
        To: {support}
        Subject: Copied from my mbox file
        Message-ID: <mbox10.2026@customer.example.org>
        Date: Thu, 01 Jan 2026 00:00:00 +0000

        I saved this mail from my mailbox file and sent it as it was.
        """
    )


@mail("A delivery report (RFC 3464) preceded by an mbox ``From`` line.")
def _mbox_prefixed_dsn():
    body = dsn(
        "Return-Path: <>\nFrom: MAILER-DAEMON <>\n",
        "<dsn11.2026@mx1.unreachable.example.org>",
        "mona@unreachable.example.org",
        original_reply("11"),
    )
    return b"From MAILER-DAEMON Mon Jan  1 00:00:00 2026\n" + body


@mail(
    "mbox-prefixed delivery report whose multipart/report boundary "
    "parameter does not match the body: Odoo's bounce parser meets a "
    "string where it expects a message ('str' object has no attribute "
    "'get_all')."
)
def _mbox_prefixed_dsn_boundary_mismatch():
    return text(
        """
        From MAILER-DAEMON Mon Jan  1 00:00:00 2026
        Return-Path: <>
        From: MAILER-DAEMON <>
        To: {support}
        Subject: Undelivered Mail Returned to Sender
        Message-ID: <dsn12.2026@mx1.unreachable.example.org>
        Date: Mon, 05 Jan 2026 09:01:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/report; report-type=delivery-status;
         boundary="declared-but-absent"

        --real-boundary
        Content-Type: text/plain

        Your message could not be delivered to nils@unreachable.example.org.
        --real-boundary
        Content-Type: message/delivery-status

        Reporting-MTA: dns; mx1.unreachable.example.org

        Final-Recipient: rfc822; nils@unreachable.example.org
        Action: failed
        Status: 5.1.1
        --real-boundary--
        """
    )


@mail(
    "mbox-prefixed mail whose body holds ``From`` and ``>From`` lines, "
    "as mbox writers escape them."
)
def _mbox_escaped_from_lines():
    return text(
        """
        From otto@customer.example.org Fri Jan  2 08:00:00 2026
        From: Otto <otto@customer.example.org>
        To: {support}
        Subject: From lines in the body
        Message-ID: <mbox13.2026@customer.example.org>
        Date: Fri, 02 Jan 2026 08:00:00 +0000

        >From the start the printer was slow.
        From time to time it stops.
        >>From what I read this is known.
        """
    )


# ---------------------------------------------------------------------------
# Robots: auto-replies and lists
# ---------------------------------------------------------------------------


@mail("Out-of-office reply with ``Auto-Submitted: auto-replied``.")
def _autoreply_auto_submitted():
    return text(
        """
        From: Paula Away <paula@customer.example.org>
        To: {support}
        Subject: Automatic reply: [44] Your printer case
        Message-ID: <auto14.2026@customer.example.org>
        In-Reply-To: <case-44-reply@crm-case-corpus.example.com>
        Date: Tue, 06 Jan 2026 07:00:00 +0100
        Auto-Submitted: auto-replied
        X-Auto-Response-Suppress: All
        Content-Type: text/plain; charset="utf-8"

        I am out of the office until Monday.
        """
    )


@mail("Vacation reply with ``X-Autoreply: yes`` and ``Precedence: junk``.")
def _autoreply_x_autoreply_junk():
    return text(
        """
        From: quentin@customer.example.org
        To: {support}
        Subject: Re: Your request (vacation)
        Message-ID: <auto15.2026@customer.example.org>
        Date: Tue, 06 Jan 2026 07:30:00 +0100
        X-Autoreply: yes
        Precedence: junk

        On holiday. Your mail will not be forwarded.
        """
    )


@mail("Newsletter with ``Precedence: bulk`` and List-Unsubscribe.")
def _precedence_bulk_newsletter():
    return text(
        """
        From: "Printer News" <news@vendor.example.com>
        To: {support}
        Subject: Printer News - January
        Message-ID: <news16.2026@vendor.example.com>
        Date: Wed, 07 Jan 2026 06:00:00 +0000
        Precedence: bulk
        List-Unsubscribe: <mailto:unsubscribe@vendor.example.com>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="news16"

        --news16
        Content-Type: text/plain; charset="utf-8"

        New toner cartridges are out.
        --news16
        Content-Type: text/html; charset="utf-8"

        <html><body><h1>New toner</h1><p>Cartridges are out.</p></body></html>
        --news16--
        """
    )


@mail(
    "Mailing-list mail (``Precedence: list``, List-Id) addressed to the "
    "list; support is only in Delivered-To."
)
def _precedence_list_delivered_to():
    return text(
        """
        Delivered-To: {support}
        From: Rita <rita@members.example.org>
        To: users@lists.example.org
        Subject: [users] Who else has a broken printer?
        Message-ID: <list17.2026@members.example.org>
        Date: Wed, 07 Jan 2026 12:00:00 +0000
        Precedence: list
        List-Id: Printer users <users.lists.example.org>
        Sender: users-bounces@lists.example.org

        Just asking around.
        """
    )


# ---------------------------------------------------------------------------
# Mails in mails
# ---------------------------------------------------------------------------


@mail("multipart/digest of three mails (parts default to message/rfc822).")
def _digest_three_mails():
    parts = []
    for number, who in enumerate(("sam", "tina", "uwe"), 1):
        parts.append(
            f"--digest18\n\nFrom: {who}@members.example.org\n"
            f"Subject: Digest item {number}\n"
            f"Message-ID: <digest18-item{number}@members.example.org>\n\n"
            f"Item {number} of the digest.\n"
        )
    return (
        text(
            """
        From: users-request@lists.example.org
        To: {support}
        Subject: users Digest, Vol 12, Issue 3
        Message-ID: <digest18.2026@lists.example.org>
        Date: Thu, 08 Jan 2026 00:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/digest; boundary="digest18"

        """
        )
        + ("".join(parts) + "--digest18--\n").encode()
    )


@mail("message/rfc822 nested four levels deep, each level a forward.")
def _nested_rfc822_four_levels():
    inner = (
        "From: victor@customer.example.org\nTo: wendy@customer.example.org\n"
        "Subject: the original\nMessage-ID: <nested19-level4@customer.example.org>\n"
        "\nThe very first text.\n"
    )
    for level in (3, 2, 1):
        inner = (
            f"From: level{level}@customer.example.org\nTo: someone@example.org\n"
            f"Subject: Fwd: level {level}\n"
            f"Message-ID: <nested19-level{level}@customer.example.org>\n"
            f"MIME-Version: 1.0\n"
            f'Content-Type: multipart/mixed; boundary="n19-{level}"\n\n'
            f"--n19-{level}\nContent-Type: text/plain\n\nForwarding level {level}.\n"
            f"--n19-{level}\nContent-Type: message/rfc822\n\n{inner}"
            f"--n19-{level}--\n"
        )
    return (
        text(
            """
        From: Victor <victor@customer.example.org>
        To: {support}
        Subject: Fwd: Fwd: Fwd: the original
        Message-ID: <nested19.2026@customer.example.org>
        Date: Thu, 08 Jan 2026 09:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="n19-0"

        --n19-0
        Content-Type: text/plain

        See the chain below.
        --n19-0
        Content-Type: message/rfc822

        """
        )
        + (inner + "--n19-0--\n").encode()
    )


@mail(
    "A customer's mail forwarded as an attachment (message/rfc822 with "
    "Content-Disposition: attachment and a file name)."
)
def _forward_as_attachment():
    return text(
        """
        From: Xenia <xenia@customer.example.org>
        To: {support}
        Subject: Fw: complaint from our branch
        Message-ID: <fwd20.2026@customer.example.org>
        Date: Thu, 08 Jan 2026 10:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="fwd20"

        --fwd20
        Content-Type: text/plain; charset="utf-8"

        Please see the attached complaint.
        --fwd20
        Content-Type: message/rfc822; name="complaint.eml"
        Content-Disposition: attachment; filename="complaint.eml"

        From: Branch <branch@customer.example.org>
        To: xenia@customer.example.org
        Subject: complaint
        Message-ID: <fwd20-inner@customer.example.org>
        Date: Wed, 07 Jan 2026 16:00:00 +0000

        The delivery was late again.
        --fwd20--
        """
    )


# ---------------------------------------------------------------------------
# Broken MIME structure
# ---------------------------------------------------------------------------


@mail("multipart/mixed whose closing boundary is missing (the mail just ends).")
def _missing_closing_boundary():
    return text(
        """
        From: Yann <yann@customer.example.org>
        To: {support}
        Subject: Cut off mail
        Message-ID: <mime21.2026@customer.example.org>
        Date: Fri, 09 Jan 2026 08:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="cut21"

        --cut21
        Content-Type: text/plain

        The first part is whole.
        --cut21
        Content-Type: text/plain; name="notes.txt"
        Content-Disposition: attachment; filename="notes.txt"

        The second part never ends
        """
    )


@mail(
    "multipart/alternative with a declared boundary that the body never "
    "uses (the body uses another one)."
)
def _boundary_never_used():
    return text(
        """
        From: Zoe <zoe@customer.example.org>
        To: {support}
        Subject: Boundary never used
        Message-ID: <mime22.2026@customer.example.org>
        Date: Fri, 09 Jan 2026 08:10:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="declared22"

        --other22
        Content-Type: text/plain

        The printer is broken.
        --other22
        Content-Type: text/html

        <p>The printer is broken.</p>
        --other22--
        """
    )


@mail("multipart/mixed with no boundary parameter in its Content-Type.")
def _multipart_without_boundary():
    return text(
        """
        From: Adam <adam@customer.example.org>
        To: {support}
        Subject: No boundary parameter
        Message-ID: <mime23.2026@customer.example.org>
        Date: Fri, 09 Jan 2026 08:20:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed

        --whatever
        Content-Type: text/plain

        There is a part here.
        --whatever--
        """
    )


# ---------------------------------------------------------------------------
# Headers: 8-bit bytes, encoded words, charsets
# ---------------------------------------------------------------------------


@mail("Subject and sender name in raw latin-1 bytes, no RFC 2047 encoding.")
def _raw_latin1_headers():
    return (
        "From: Bj\xf6rn M\xfcller <bjoern@customer.example.org>\n"
        f"To: {SUPPORT}\n"
        "Subject: Dr\xfccker kaputt, bitte R\xfcckruf \xe0 la carte\n"
        "Message-ID: <hdr24.2026@customer.example.org>\n"
        "Date: Sat, 10 Jan 2026 08:00:00 +0100\n"
        "\n"
        "Der Drucker druckt nicht.\n"
    ).encode("latin-1")


@mail("Subject, sender and recipient names in raw UTF-8 bytes, no RFC 2047.")
def _raw_utf8_headers():
    return (
        "From: Zoë Ærøskøbing <zoe.ae@customer.example.org>\n"
        f"To: Support Ünïcødé <{SUPPORT}>\n"
        "Subject: 打印机坏了 — l'imprimante est cassée ✓\n"
        "Message-ID: <hdr25.2026@customer.example.org>\n"
        "Date: Sat, 10 Jan 2026 08:10:00 +0100\n"
        "Content-Type: text/plain; charset=utf-8\n"
        "\n"
        "Ça ne marche pas.\n"
    ).encode()


@mail(
    "Malformed RFC 2047 encoded-words: unterminated, unknown charset, "
    "invalid base64, an encoded word in a quoted display name and in the "
    "middle of a word."
)
def _malformed_encoded_words():
    return text(
        """
        From: "=?utf-8?B?QmVydGE=?=" <berta@customer.example.org>
        To: =?x-nothing?Q?Support?= <{support}>
        Subject: =?utf-8?Q?Printer_=E2=9C?= broken =?utf-8?B?!!notb64!!?= and
         =?iso-8859-1?q?unterminated_word mid=?utf-8?Q?dle?=word
        Message-ID: <hdr26.2026@customer.example.org>
        Date: Sat, 10 Jan 2026 08:20:00 +0100

        The subject line was written by a very old mail program.
        """
    )


@mail('A text part with ``charset="x-unknown"``, with 8-bit bytes.')
def _unknown_charset():
    return (
        text(
            """
        From: Carl <carl@customer.example.org>
        To: {support}
        Subject: Unknown charset
        Message-ID: <cs27.2026@customer.example.org>
        Date: Sat, 10 Jan 2026 09:00:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset="x-unknown"
        Content-Transfer-Encoding: 8bit

        """
        )
        + b"Bytes of no known charset: \x8e\x9a\xfe\xff\x81 end.\n"
    )


@mail(
    "Declared charsets that lie: us-ascii over latin-1 bytes, and "
    "iso-8859-1 over UTF-8 bytes, in two parts."
)
def _wrong_declared_charset():
    return (
        text(
            """
        From: Dana <dana@customer.example.org>
        To: {support}
        Subject: Wrong charset
        Message-ID: <cs28.2026@customer.example.org>
        Date: Sat, 10 Jan 2026 09:10:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="cs28"

        --cs28
        Content-Type: text/plain; charset="us-ascii"
        Content-Transfer-Encoding: 8bit

        """
        )
        + "Caf\xe9 cr\xe8me\n".encode("latin-1")
        + text(
            """
        --cs28
        Content-Type: text/html; charset="iso-8859-1"
        Content-Transfer-Encoding: 8bit

        <p>Привет, こんにちは</p>
        --cs28--
        """
        )
    )


# ---------------------------------------------------------------------------
# Recipients and header lines
# ---------------------------------------------------------------------------


@mail("No To header: support is reached through Delivered-To only (a Bcc).")
def _no_to_header():
    return text(
        """
        Delivered-To: {support}
        From: Eva <eva@customer.example.org>
        Subject: Sent as a blind copy
        Message-ID: <rcpt29.2026@customer.example.org>
        Date: Sun, 11 Jan 2026 10:00:00 +0000

        You are in Bcc.
        """
    )


@mail("Two To header lines, support in the second one.")
def _several_to_headers():
    return text(
        """
        From: Finn <finn@customer.example.org>
        To: someone.else@customer.example.org
        To: {support}
        Subject: Two To lines
        Message-ID: <rcpt30.2026@customer.example.org>
        Date: Sun, 11 Jan 2026 10:10:00 +0000

        Two To lines, which RFC 5322 forbids.
        """
    )


@mail(
    "Very long unfolded header lines: a To of 150 addresses, a References "
    "of 120 ids and an X- header of 8,000 characters, each on one line."
)
def _very_long_header_lines():
    recipients = ", ".join(f"user{n}@many.example.org" for n in range(150))
    references = " ".join(f"<ref{n}.long31@customer.example.org>" for n in range(120))
    return (
        "From: Gus <gus@customer.example.org>\n"
        f"To: {recipients}, {SUPPORT}\n"
        f"References: {references}\n"
        f"X-Long-Header: {'x' * 8000}\n"
        "Subject: Very long header lines\n"
        "Message-ID: <long31.2026@customer.example.org>\n"
        "Date: Sun, 11 Jan 2026 10:20:00 +0000\n"
        "\n"
        "Long lines above.\n"
    ).encode()


@mail(
    "Header folding oddities: tab folds, a whitespace-only continuation, "
    "``Subject :`` with a space before the colon, a header with no space "
    "after the colon, an empty header and a continuation of nothing."
)
def _header_folding_oddities():
    return (
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
    ).encode()


# ---------------------------------------------------------------------------
# Bodies
# ---------------------------------------------------------------------------


@mail("Headers, the blank line, and an empty body.")
def _empty_body():
    return text(
        """
        From: Ida <ida@customer.example.org>
        To: {support}
        Subject: Empty body
        Message-ID: <body33.2026@customer.example.org>
        Date: Mon, 12 Jan 2026 08:00:00 +0000

        """
    )


@mail("Headers only: no blank line, no body at all.")
def _no_body_at_all():
    return (
        "From: Jon <jon@customer.example.org>\n"
        f"To: {SUPPORT}\n"
        "Subject: No body at all\n"
        "Message-ID: <body34.2026@customer.example.org>\n"
        "Date: Mon, 12 Jan 2026 08:10:00 +0000"
    ).encode()


@mail("The whole mail is one attachment (top-level application/pdf, base64).")
def _body_only_an_attachment():
    pdf = b"%PDF-1.4\n% made up for the corpus\n1 0 obj << >> endobj\n%%EOF\n"
    return (
        text(
            """
        From: Kim <kim@customer.example.org>
        To: {support}
        Subject: scan
        Message-ID: <body35.2026@customer.example.org>
        Date: Mon, 12 Jan 2026 08:20:00 +0000
        MIME-Version: 1.0
        Content-Type: application/pdf; name="scan.pdf"
        Content-Disposition: attachment; filename="scan.pdf"
        Content-Transfer-Encoding: base64

        """
        )
        + (b64_lines(pdf) + "\n").encode()
    )


@mail(
    "HTML only, broken: unclosed tags, stray closing tags, a script, an "
    "unterminated comment and an attribute without quotes."
)
def _html_only_broken():
    return text(
        """
        From: Lars <lars@customer.example.org>
        To: {support}
        Subject: Broken HTML
        Message-ID: <body36.2026@customer.example.org>
        Date: Mon, 12 Jan 2026 08:30:00 +0000
        MIME-Version: 1.0
        Content-Type: text/html; charset="utf-8"

        <html><body><div><p>The <b>printer <i>is</b> broken</i>
        </div></div></span><table><tr><td>cell<td>other
        <script>alert("corpus")</script><img src=x onerror=alert(1)>
        <p style="color:red>unterminated attribute
        <!-- a comment that never ends
        """
    )


@mail(
    "A winmail.dat (application/ms-tnef) attachment of made-up bytes "
    "behind the TNEF signature."
)
def _tnef_winmail_dat():
    tnef = b"\x78\x9f\x3e\x22" + made_up_bytes(37, 600)
    return (
        text(
            """
        From: Mia <mia@customer.example.org>
        To: {support}
        Subject: Sent from Outlook
        Message-ID: <body37.2026@customer.example.org>
        Date: Mon, 12 Jan 2026 08:40:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="tnef37"

        --tnef37
        Content-Type: text/plain

        See the attachment.
        --tnef37
        Content-Type: application/ms-tnef; name="winmail.dat"
        Content-Disposition: attachment; filename="winmail.dat"
        Content-Transfer-Encoding: base64

        """
        )
        + (b64_lines(tnef) + "\n--tnef37--\n").encode()
    )


@mail(
    "A calendar invitation: multipart/alternative with text/calendar; "
    "method=REQUEST."
)
def _calendar_invite():
    return text(
        """
        From: Nora <nora@customer.example.org>
        To: {support}
        Subject: Invitation: printer review
        Message-ID: <body38.2026@customer.example.org>
        Date: Mon, 12 Jan 2026 08:50:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary="cal38"

        --cal38
        Content-Type: text/plain; charset="utf-8"

        You are invited to the printer review.
        --cal38
        Content-Type: text/calendar; charset="utf-8"; method=REQUEST

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
        --cal38--
        """
    )


# ---------------------------------------------------------------------------
# Subjects
# ---------------------------------------------------------------------------


@mail("A subject of about 20,000 characters, folded over many lines.")
def _huge_subject():
    words = " ".join(f"word{n}" for n in range(2500))
    folded = "\n ".join(textwrap.wrap(words, 70))
    return (
        "From: Olaf <olaf@customer.example.org>\n"
        f"To: {SUPPORT}\n"
        f"Subject: {folded}\n"
        "Message-ID: <subj39.2026@customer.example.org>\n"
        "Date: Tue, 13 Jan 2026 08:00:00 +0000\n"
        "\n"
        "A long subject above.\n"
    ).encode()


@mail("A subject made only of a case tag, ``[123]``.")
def _subject_only_a_tag():
    return text(
        """
        From: Pia <pia@customer.example.org>
        To: {support}
        Subject: [123]
        Message-ID: <subj40.2026@customer.example.org>
        Date: Tue, 13 Jan 2026 08:10:00 +0000

        Only a tag in the subject.
        """
    )


@mail(
    "Tags of cases that do not exist, and tag-like brackets: "
    "``Re: [99999999] [88888888] Fwd: [0] [-1] [abc] []``."
)
def _subject_tags_of_missing_cases():
    return text(
        """
        From: Quirin <quirin@customer.example.org>
        To: {support}
        Subject: Re: [99999999] [88888888] Fwd: [0] [-1] [abc] []
        Message-ID: <subj41.2026@customer.example.org>
        Date: Tue, 13 Jan 2026 08:20:00 +0000

        Tags of cases that do not exist.
        """
    )


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
    return (
        text(
            """
        From: Sven <sven@customer.example.org>
        To: {support}
        Subject: NUL bytes
        Message-ID: <bytes43.2026@customer.example.org>
        Date: Wed, 14 Jan 2026 08:10:00 +0000
        Content-Type: text/plain; charset="utf-8"

        """
        )
        + b"before\x00between\x00\x00after\nnext line \x00\n"
    )


# ---------------------------------------------------------------------------
# Message-ID and Date
# ---------------------------------------------------------------------------


@mail("No Message-ID header at all.")
def _no_message_id():
    return text(
        """
        From: Tom <tom@customer.example.org>
        To: {support}
        Subject: No Message-ID
        Date: Thu, 15 Jan 2026 08:00:00 +0000

        My mail program forgot the Message-ID.
        """
    )


@mail(
    "A Message-ID with spaces, quotes, a comment, brackets and a raw "
    "UTF-8 character."
)
def _odd_message_id():
    return (
        "From: Ulla <ulla@customer.example.org>\n"
        f"To: {SUPPORT}\n"
        "Subject: Odd Message-ID\n"
        'Message-ID: (comment) <"odd id é"[45]{x}@[192.0.2.45]>\n'
        "Date: Thu, 15 Jan 2026 08:10:00 +0000\n"
        "\n"
        "Odd characters in the Message-ID.\n"
    ).encode()


@mail("Two Message-ID header lines with different values.")
def _duplicate_message_id_lines():
    return text(
        """
        From: Vera <vera@customer.example.org>
        To: {support}
        Subject: Two Message-ID lines
        Message-ID: <id46-first.2026@customer.example.org>
        Message-ID: <id46-second.2026@customer.example.org>
        Date: Thu, 15 Jan 2026 08:20:00 +0000

        Two Message-ID lines.
        """
    )


@mail("An invalid Date header (no day 32, no hour 25, an unknown zone).")
def _invalid_date():
    return text(
        """
        From: Walt <walt@customer.example.org>
        To: {support}
        Subject: Invalid date
        Message-ID: <date47.2026@customer.example.org>
        Date: Thursday, 32 Smarch 20XX 25:61:99 +9999 (NOWHERE)

        The date above does not exist.
        """
    )


# ---------------------------------------------------------------------------
# Transfer encodings
# ---------------------------------------------------------------------------


@mail(
    "base64 body with garbage: characters outside the alphabet, a wrong "
    "padding and a truncated last group."
)
def _base64_with_garbage():
    return text(
        """
        From: Xaver <xaver@customer.example.org>
        To: {support}
        Subject: Garbage in base64
        Message-ID: <cte48.2026@customer.example.org>
        Date: Fri, 16 Jan 2026 08:00:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: base64

        VGhlIHByaW50ZXIg!!!aXMgYnJva2VuLg==
        ###not base64 at all###
        VGhlIHByaW50ZXIgaX=MgYnJv
        a2V
        """
    )


@mail(
    "quoted-printable gone wrong: soft breaks before spaces, ``=`` "
    "followed by non-hex, a truncated escape and ``=`` as the last byte."
)
def _quoted_printable_broken():
    return text(
        """
        From: Yvonne <yvonne@customer.example.org>
        To: {support}
        Subject: Broken quoted-printable
        Message-ID: <cte49.2026@customer.example.org>
        Date: Fri, 16 Jan 2026 08:10:00 +0000
        MIME-Version: 1.0
        Content-Type: text/plain; charset="utf-8"
        Content-Transfer-Encoding: quoted-printable

        """
    ) + (
        b"The print=\n"
        b"er is bro=  \n"
        b"ken =ZZ and =C3=A9 and =E2=9C half =4\n"
        b"trailing soft break="
    )


@mail("``Content-Transfer-Encoding: x-uuencode`` attachment (begin/end).")
def _x_uuencode_attachment():
    return text(
        """
        From: Zack <zack@customer.example.org>
        To: {support}
        Subject: uuencoded log
        Message-ID: <cte50.2026@customer.example.org>
        Date: Fri, 16 Jan 2026 08:20:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="uu50"

        --uu50
        Content-Type: text/plain

        The log is attached.
        --uu50
        Content-Type: application/octet-stream; name="printer.log"
        Content-Disposition: attachment; filename="printer.log"
        Content-Transfer-Encoding: x-uuencode

        begin 644 printer.log
        1<')I;G1E<B!E<G)O<B`T,@H`
        `
        end
        --uu50--
        """
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
    return (
        text(
            """
        From: Anke <anke@customer.example.org>
        To: {support}
        Subject: Signed request
        Message-ID: <sign51.2026@customer.example.org>
        Date: Sat, 17 Jan 2026 08:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/signed; protocol="application/pkcs7-signature";
         micalg=sha-256; boundary="sig51"

        This is a cryptographically signed message in MIME format.

        --sig51
        Content-Type: text/plain; charset="utf-8"

        Please replace the toner.
        --sig51
        Content-Type: application/pkcs7-signature; name="smime.p7s"
        Content-Transfer-Encoding: base64
        Content-Disposition: attachment; filename="smime.p7s"

        """
        )
        + (b64_lines(signature) + "\n\n--sig51--\n").encode()
    )


@mail("PGP/MIME encrypted (multipart/encrypted) with made-up ciphertext.")
def _pgp_encrypted():
    armor = b64_lines(made_up_bytes(52, 240), 64)
    return (
        text(
            """
        From: Bodo <bodo@customer.example.org>
        To: {support}
        Subject: ...
        Message-ID: <crypt52.2026@customer.example.org>
        Date: Sat, 17 Jan 2026 08:10:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/encrypted; protocol="application/pgp-encrypted";
         boundary="pgp52"

        This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)
        --pgp52
        Content-Type: application/pgp-encrypted
        Content-Description: PGP/MIME version identification

        Version: 1

        --pgp52
        Content-Type: application/octet-stream; name="encrypted.asc"
        Content-Disposition: inline; filename="encrypted.asc"

        -----BEGIN PGP MESSAGE-----

        """
        )
        + (armor + "\n=corp\n-----END PGP MESSAGE-----\n\n--pgp52--\n").encode()
    )


# ---------------------------------------------------------------------------
# Shape: many parts, deep nesting
# ---------------------------------------------------------------------------


@mail("200 small parts in one multipart/mixed: text parts and attachments.")
def _two_hundred_parts():
    parts = []
    for number in range(200):
        if number % 2:
            parts.append(
                f'--many53\nContent-Type: text/plain; name="part{number}.txt"\n'
                f'Content-Disposition: attachment; filename="part{number}.txt"\n'
                f"\nattachment {number}\n"
            )
        else:
            parts.append(f"--many53\nContent-Type: text/plain\n\ntext {number}\n")
    return (
        text(
            """
        From: Cleo <cleo@customer.example.org>
        To: {support}
        Subject: Two hundred parts
        Message-ID: <shape53.2026@customer.example.org>
        Date: Sun, 18 Jan 2026 08:00:00 +0000
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="many53"

        """
        )
        + ("".join(parts) + "--many53--\n").encode()
    )


@mail("multipart nested ten levels deep, a text part at the bottom.")
def _nested_multipart_depth_ten():
    body = "Content-Type: text/plain\n\nThe bottom of the nest.\n"
    for level in range(10, 0, -1):
        kind = "mixed" if level % 2 else "alternative"
        body = (
            f'Content-Type: multipart/{kind}; boundary="deep54-{level}"\n\n'
            f"--deep54-{level}\n{body}--deep54-{level}--\n"
        )
    return (
        text(
            """
        From: Dirk <dirk@customer.example.org>
        To: {support}
        Subject: Ten levels of multipart
        Message-ID: <shape54.2026@customer.example.org>
        Date: Sun, 18 Jan 2026 08:10:00 +0000
        MIME-Version: 1.0
        """
        )
        + body.encode()
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
