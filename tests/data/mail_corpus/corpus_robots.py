"""The mails that robots send: delivery reports and bounces with an
empty sender, mails with an mbox ``From`` line, auto-replies and mailing
lists.
"""

from corpus_blocks import (
    CUSTOMERS,
    DOMAIN,
    SUPPORT,
    UTF8_HTML,
    UTF8_TEXT,
    bounce,
    compose,
    customer,
    dsn,
    from_customer,
    head,
    lines,
    mail,
    mime,
    multipart,
    our_reply,
    part,
    parts,
    report,
    text,
)

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
