"""The building blocks of the corpus: its constants, the register of its
mails and the helpers that put a mail together.

The mail modules (corpus_robots, corpus_mime, corpus_bodies,
corpus_encodings) register their mails here with ``@mail(...)``, ``bounce()``
or ``register()``; make_corpus.py numbers and writes them in that order.
"""

import base64
import functools
import textwrap

DOMAIN = "crm-case-corpus.example.com"
SUPPORT = f"support@{DOMAIN}"
CUSTOMERS = "customer.example.org"
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
