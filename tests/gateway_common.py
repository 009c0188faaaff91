import time
from unittest.mock import patch

from odoo.tests import new_test_user

from .common import CrmCaseCommon
from .dovecot import Dovecot

# A plain text mail; {extra} holds additional header lines.
MAIL_TEXT = """From: {email_from}
To: {to}
Cc: {cc}
Subject: {subject}
Message-ID: {msg_id}
Date: Sun, 22 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
{extra}Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
"""

# A mail with an HTML part only and a small attachment.
MAIL_HTML_ATTACHMENT = """From: {email_from}
To: {to}
Cc: {cc}
Subject: {subject}
Message-ID: {msg_id}
Date: Sun, 22 Nov 2026 10:00:00 +0000
MIME-Version: 1.0
{extra}Content-Type: multipart/mixed; boundary="crm-case-boundary"

--crm-case-boundary
Content-Type: text/html; charset="utf-8"

<p>The printer <b>prints blank pages</b>.</p>
--crm-case-boundary
Content-Type: text/plain; name="printer.log"
Content-Disposition: attachment; filename="printer.log"
Content-Transfer-Encoding: base64

ZXJyb3IgNDIK
--crm-case-boundary--
"""


class CrmCaseGatewayCommon(CrmCaseCommon):
    """Sections with addresses on a test alias domain, and mail helpers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._init_mail_gateway()
        cls.section_level1.write({"alias_name": "support"})
        cls.section_sales.write({"alias_name": "sales"})
        cls.support_email = f"support@{cls.alias_domain}"
        cls.sales_email = f"sales@{cls.alias_domain}"
        cls.stranger_email = "mallory@attacker.example.net"

    @classmethod
    def _new_gateway_user(cls, login, **values):
        """A user with the lowest rights that may hand mails to the cases."""
        return new_test_user(
            cls.env,
            login=login,
            groups="base.group_user,crm_case.group_crm_case_user",
            **values,
        )

    def _new_msg_id(self):
        return f"<{time.time():.7f}.{id(self)}-crm-case@test.example.com>"

    def _mail(self, template=MAIL_TEXT, **values):
        values.setdefault("email_from", "Carla Contact <carla@customer.example.com>")
        values.setdefault("to", self.support_email)
        values.setdefault("cc", "")
        values.setdefault("subject", "Printer prints blank pages")
        values.setdefault("msg_id", self._new_msg_id())
        values.setdefault("extra", "")
        values.setdefault("body", "Hello, our printer prints blank pages.")
        return template.format(**values)

    def _process(self, template=MAIL_TEXT, model=None, **values):
        """Run a mail through the gateway as the mail fetcher does, return the
        case it reached."""
        raw = self._mail(template=template, **values)
        case_id = (
            self.env["mail.thread"].sudo().message_process(model, raw.encode("utf-8"))
        )
        return self.env["crm.case"].browse(case_id)

    def _extra(self, **headers):
        return "".join(
            f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items()
        )

    @classmethod
    def _create_case_server(cls, name, section=None, **values):
        """An IMAP server whose mails are cases (never connected to here)."""
        return cls.env["fetchmail.server"].create(
            {
                "name": name,
                "server_type": "imap",
                "server": "localhost",
                "object_id": cls.env["ir.model"]._get_id("crm.case"),
                "crm_case_section_id": section.id if section else False,
                **values,
            }
        )

    def _rules_exploding(self):
        """Every rule run fails while the returned patch is active."""

        def broken_rule(cases, event, previous_states):
            raise ValueError("rule exploded")

        return patch.object(
            self.registry["crm.case"],
            "_fire_case_event",
            autospec=True,
            side_effect=broken_rule,
        )


class CrmCaseDovecotCommon(CrmCaseGatewayCommon):
    """Mails fetched from a throwaway Dovecot on loopback (``cls.dovecot``,
    stopped after the class): an IMAP and a POP3 mailbox (``mailboxes``), each
    fetched into the cases by an incoming mail server (``cls.imap_server``,
    ``cls.pop_server``, named after ``server_name``)."""

    server_name = "Cases"
    mailboxes = ()  # (IMAP login, POP3 login)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dovecot = Dovecot().start(list(cls.mailboxes))
        cls.addClassCleanup(cls.dovecot.stop)
        imap_login, pop_login = cls.mailboxes
        cls.imap_server = cls._create_server("IMAP", cls.dovecot.port_imap, imap_login)
        cls.pop_server = cls._create_server("POP", cls.dovecot.port_pop, pop_login)

    @classmethod
    def _create_server(cls, protocol, port, login):
        return cls.env["fetchmail.server"].create(
            dict(
                cls._server_values(),
                name=f"{cls.server_name} {protocol}",
                server_type=protocol.lower(),
                port=port,
                user=login,
            )
        )

    @classmethod
    def _server_values(cls):
        """What both incoming mail servers share."""
        return {
            "server": "127.0.0.1",
            "is_ssl": False,
            "password": Dovecot.password,
            "object_id": cls.env["ir.model"]._get_id("crm.case"),
        }
