import base64
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .gateway_common import MAIL_TEXT, CrmCaseGatewayCommon
from .poison_mail import html_parts, nested_enclosures

INTAKE_LOGGER = "odoo.addons.crm_case.models.crm_case_mail_intake"


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseMailIntake(CrmCaseGatewayCommon):
    """The one intake: what the pipe, the fetch and the Retry share."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The lowest rights that may hand mails to the cases (the mailgate's).
        cls.gateway_user = cls.case_user
        cls.server = cls._create_case_server("Cases IMAP", cls.section_sales)

    def _pipe(self, raw, section=None):
        """Hand a mail over as the mailgate does: process_mail over XML-RPC."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        intake = self.env["crm.case.mail.intake"].with_user(self.gateway_user)
        with mute_logger(INTAKE_LOGGER):
            return intake.process_mail(raw, section_id=section.id if section else False)

    def _failure(self, message_id):
        return self.env["crm.case.mail.failure"].search(
            [("message_id", "=", message_id)]
        )

    # ------------------------------------------------------------
    # The pipe
    # ------------------------------------------------------------

    def test_pipe_creates_updates_and_skips_duplicates(self):
        raw = self._mail(msg_id="<pipe-1@test.example.com>")
        created = self._pipe(raw)
        case = self.env["crm.case"].browse(created["res_id"])
        self.assertEqual(created["outcome"], "created")
        self.assertEqual(case.section_id, self.section_level1)
        self.assertIn(str(case.id), created["summary"])
        again = self._pipe(raw)
        self.assertEqual((again["outcome"], again["res_id"]), ("duplicate", case.id))
        reply = self._pipe(
            self._mail(
                subject=f"Re: [{case.id}] Printer prints blank pages",
                msg_id="<pipe-2@test.example.com>",
            )
        )
        self.assertEqual((reply["outcome"], reply["res_id"]), ("updated", case.id))
        self.assertEqual(
            len(case.message_ids.filtered(lambda m: m.message_type == "email")), 2
        )

    def test_pipe_default_section(self):
        raw = self._mail(to="nobody@elsewhere.example.org")
        result = self._pipe(raw, section=self.section_sales)
        case = self.env["crm.case"].browse(result["res_id"])
        self.assertEqual(case.section_id, self.section_sales)
        # A section address wins over the default section.
        result = self._pipe(self._mail(), section=self.section_sales)
        self.assertEqual(
            self.env["crm.case"].browse(result["res_id"]).section_id,
            self.section_level1,
        )

    def test_pipe_keeps_lasting_failures(self):
        """Each lasting reason is stored, with its default section, and the
        call returns normally: the MTA must not bounce the mail."""
        no_section = self._pipe(
            self._mail(to="x@elsewhere.example.org", msg_id="<lasting-1@t.example>")
        )
        self.assertEqual(no_section["outcome"], "failed")
        failure = self._failure("<lasting-1@t.example>")
        self.assertIn("reached no section", failure.error)
        self.assertEqual(failure.id, no_section["res_id"])

        with self._rules_exploding():
            in_rule = self._pipe(
                self._mail(msg_id="<lasting-2@t.example>"), section=self.section_sales
            )
        self.assertEqual(in_rule["outcome"], "failed")
        failure = self._failure("<lasting-2@t.example>")
        self.assertIn("rule exploded", failure.error)
        self.assertEqual(failure.section_id, self.section_sales)
        self.assertEqual(failure.company_id, self.section_sales.company_id)
        # Retried, it goes where the mailgate sent it.
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual(failure.state, "done")

    def test_pipe_loop_guard_keeps_the_mail(self):
        self.env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 2)
        results = [
            self._pipe(self._mail(subject=f"Flood {n}", msg_id=f"<flood-{n}@t.ex>"))
            for n in range(3)
        ]
        self.assertEqual(
            [result["outcome"] for result in results], ["created", "created", "failed"]
        )
        self.assertIn("too many cases", self._failure("<flood-2@t.ex>").error)

    def test_empty_senders_are_no_mail_loop(self):
        """Bounces from the null sender are not one sender opening many cases."""
        self.env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 2)
        outcomes = [
            self._pipe(
                self._mail(
                    email_from="MAILER DAEMON <>",
                    subject=f"Undelivered {n}",
                    msg_id=f"<null-{n}@t.ex>",
                )
            )["outcome"]
            for n in range(4)
        ]
        self.assertEqual(outcomes, ["created"] * 4)
        cases = self.env["crm.case"].search([("name", "like", "Undelivered")])
        self.assertTrue(all(cases.mapped("from_robot")))

    def test_mbox_separator_before_a_delivery_report(self):
        """Odoo's bounce parser crashed on a report behind an mbox line."""
        report = (
            b"From MAILER-DAEMON Mon Nov 23 10:00:00 2026\n"
            b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\n"
            b"To: " + self.support_email.encode() + b"\n"
            b"Subject: Undelivered Mail Returned to Sender\n"
            b"Message-ID: <mbox-report@mx.example.org>\n"
            b"MIME-Version: 1.0\n"
            b"Content-Type: multipart/report; report-type=delivery-status;"
            b' boundary="r"\n'
            b"\n--r\nContent-Type: text/plain\n\nThe mail could not be delivered.\n"
            b"--r\nContent-Type: message/delivery-status\n\n"
            b"Reporting-MTA: dns; mx.example.org\n\n"
            b"Final-Recipient: rfc822; gone@customer.example.com\nAction: failed\n"
            b"Status: 5.1.1\n"
            b"--r\nContent-Type: text/rfc822-headers\n\n"
            b"Message-ID: <original@example.com>\nSubject: Hello\n"
            b"--r--\n"
        )
        result = self._pipe(report)
        self.assertEqual(result["outcome"], "created")
        case = self.env["crm.case"].browse(result["res_id"])
        self.assertEqual(case.name, "Undelivered Mail Returned to Sender")
        self.assertTrue(case.from_robot)

    def test_message_process_for_cases_never_raises_for_lasting_reasons(self):
        """XML-RPC clients calling message_process get the same intake."""
        thread = self.env["mail.thread"].with_user(self.gateway_user)
        raw = self._mail(to="x@elsewhere.example.org", msg_id="<rpc-1@t.ex>")
        with mute_logger(INTAKE_LOGGER):
            self.assertFalse(thread.message_process("crm.case", raw.encode()))
        self.assertTrue(self._failure("<rpc-1@t.ex>"))
        # Mail for other models keeps Odoo's behaviour: no route, an error.
        with self.assertRaises(ValueError), mute_logger("odoo.addons.mail"):
            thread.message_process(
                False, self._mail(to="x@elsewhere.example.org").encode()
            )

    def test_pipe_hands_other_models_mail_to_odoo(self):
        alias = self.env["mail.alias"].create(
            {
                "alias_name": "partners",
                "alias_model_id": self.env["ir.model"]._get_id("res.partner"),
                "alias_domain_id": self.section_level1.alias_id.alias_domain_id.id,
            }
        )
        # Odoo's own routing marks an alias valid on its first mail, which only
        # administrators may do: such a mailgate user is one.
        admin_gateway = new_test_user(
            self.env,
            login="admin_gateway",
            groups="base.group_system,crm_case.group_crm_case_user",
        )
        result = (
            self.env["crm.case.mail.intake"]
            .with_user(admin_gateway)
            .process_mail(
                self._mail(to=alias.display_name, subject="New partner").encode()
            )
        )
        self.assertEqual(result["outcome"], "other")
        self.assertEqual(
            self.env["res.partner"].browse(result["res_id"]).name, "New partner"
        )
        # With a default section, the mailgate feeds the cases whatever the mail.
        result = self._pipe(
            self._mail(to=alias.display_name, subject="For the cases"),
            section=self.section_sales,
        )
        self.assertEqual(result["outcome"], "created")

    def test_wrong_user_is_refused(self):
        portal = new_test_user(
            self.env, login="portal_pipe", groups="base.group_portal"
        )
        with self.assertRaisesRegex(UserError, "may not hand mails"):
            self.env["crm.case.mail.intake"].with_user(portal).process_mail(
                self._mail().encode()
            )
        with self.assertRaisesRegex(UserError, "does not exist"):
            missing = self.env["crm.case.section"].browse(999999)
            self._pipe(self._mail(), section=missing)

    # ------------------------------------------------------------
    # message_new only creates
    # ------------------------------------------------------------

    def test_message_new_only_creates(self):
        case = self._process(subject="Printer")
        msg_dict = {
            "subject": f"Re: [{case.id}] Printer",
            "email_from": self.customer_contact.email,
            "body": "",
        }
        new = self.env["crm.case"].message_new(
            msg_dict, {"section_id": self.section_level1.id}
        )
        self.assertNotEqual(new, case)
        self.assertEqual(new.name, msg_dict["subject"])

    # ------------------------------------------------------------
    # Bounds
    # ------------------------------------------------------------

    def test_bounds_keep_a_mail_raw_without_parsing_it(self):
        torture = nested_enclosures(3000, self.support_email)
        bounds = {
            # bound: (system parameter, value, mail, reason)
            "size": (
                "crm_case.mail_max_bytes",
                2000,
                self._mail(body="x" * 3000, msg_id="<b-size@t>"),
                "bytes long",
            ),
            "parts": (
                "crm_case.mail_max_parts",
                50,
                nested_enclosures(30, self.support_email),
                "more than 50 parts",
            ),
            "depth": (
                "crm_case.mail_max_depth",
                5,
                nested_enclosures(8, self.support_email),
                "more than 5",
            ),
            "torture, default bounds": (None, None, torture, "kept unparsed"),
        }
        parse = self.registry["mail.thread"].message_parse
        with patch.object(
            self.registry["mail.thread"], "message_parse", autospec=True, wraps=parse
        ) as spy:
            for label, (parameter, value, raw, reason) in bounds.items():
                with self.subTest(bound=label):
                    if parameter:
                        self.env["ir.config_parameter"].set_param(parameter, value)
                    result = self._pipe(raw)
                    self.assertEqual(result["outcome"], "failed")
                    failure = self.env["crm.case.mail.failure"].browse(result["res_id"])
                    self.assertIn(reason, failure.error)
                    raw_bytes = raw if isinstance(raw, bytes) else raw.encode()
                    self.assertEqual(
                        base64.b64decode(failure.raw_message), raw_bytes, "kept raw"
                    )
                    if parameter:
                        self.env["ir.config_parameter"].set_param(parameter, False)
            self.assertFalse(spy.called, "no refused mail was parsed")
        # The mails behind them still become cases.
        self.assertEqual(self._pipe(self._mail())["outcome"], "created")

    def test_time_budget_stops_a_slow_mail(self):
        set_param = self.env["ir.config_parameter"].set_param
        set_param("crm_case.mail_max_parts", 100000)
        set_param("crm_case.mail_time_budget", 2)
        result = self._pipe(html_parts(600, self.support_email))
        self.assertEqual(result["outcome"], "failed")
        failure = self.env["crm.case.mail.failure"].browse(result["res_id"])
        self.assertIn("more than 2 seconds", failure.error)
        self.assertEqual(self._pipe(self._mail())["outcome"], "created")

    def test_mail_tried_too_often_is_kept_unparsed(self):
        """Attempts a killed process left behind count, and stop the parsing."""
        raw = self._mail(msg_id="<killed-thrice@t.example>").encode()
        attempts = self.env["crm.case.mail.attempt"]
        for __ in range(3):
            attempts._begin("<killed-thrice@t.example>")
        self.addCleanup(attempts._end, "<killed-thrice@t.example>")
        result = self._pipe(raw)
        self.assertEqual(result["outcome"], "failed")
        failure = self.env["crm.case.mail.failure"].browse(result["res_id"])
        self.assertIn("tried 3 times", failure.error)
        self.assertFalse(
            attempts.sudo().search([("message_id", "=", "<killed-thrice@t.example>")]),
            "the count ends once the mail is stored",
        )
        # Retried by a manager, it is processed as any mail.
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual(failure.state, "done")

    # ------------------------------------------------------------
    # Retry does what the fetch did
    # ------------------------------------------------------------

    def test_retry_keeps_the_server_options(self):
        """Keep Original and Keep Attachments apply to a retried mail as they
        did to the fetch (Odoo drops the original with the attachments)."""
        options = {
            "both": ({"original": True, "attach": True}, True, True),
            "none": ({"original": False, "attach": False}, False, False),
        }
        for label, (values, original, attachment) in options.items():
            with self.subTest(options=label):
                msg_id = f"<options-{label}@t>"
                self.server.write(dict(values, crm_case_section_id=False))
                raw = self._mail(
                    MAIL_TEMPLATE_WITH_FILE, to="x@elsewhere.example.org", msg_id=msg_id
                )
                with mute_logger(INTAKE_LOGGER):
                    self.assertFalse(self.server._crm_case_process_mail(raw.encode()))
                self.server.crm_case_section_id = self.section_sales
                self._failure(msg_id).with_user(self.case_manager).action_retry()
                message = self.env["mail.message"].search([("message_id", "=", msg_id)])
                names = message.attachment_ids.mapped("name")
                self.assertEqual("original_email.eml" in names, original)
                self.assertEqual("printer.log" in names, attachment)


MAIL_TEMPLATE_WITH_FILE = MAIL_TEXT.replace(
    'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 8bit\n',
    'Content-Type: multipart/mixed; boundary="f"\n',
).replace(
    "{body}\n",
    "--f\nContent-Type: text/plain\n\n{body}\n--f\nContent-Type: text/plain; "
    'name="printer.log"\nContent-Disposition: attachment; filename="printer.log"'
    "\n\nerror 42\n--f--\n",
)
