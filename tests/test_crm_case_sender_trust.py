from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from . import auth_headers
from .gateway_common import CrmCaseGatewayCommon

INTAKE_LOGGER = "odoo.addons.crm_case.models.crm_case_mail_intake"
POLICIES = ("off", "flag", "strict")


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseSenderTrust(CrmCaseGatewayCommon):
    """What a mail whose sender no trusted server proved may do, under the
    policies Off, Flag and Strict, through the pipe and the fetch alike."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway_user = cls.case_user
        cls.server = cls._create_case_server(
            "Cases IMAP", cls.section_level1, user="cases", password="secret"
        )
        cls.responsible_domain = cls.senior_user.email.split("@")[1]

    def _deliver(self, raw, server=None):
        """Hand a mail to the intake as the gateway user: through the fetch of
        ``server``, or the pipe."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        intake = self.env["crm.case.mail.intake"].with_user(self.gateway_user)
        with mute_logger(INTAKE_LOGGER):
            if server:
                return server.with_user(self.gateway_user)._crm_case_process_mail(raw)
            return intake.process_mail(raw)

    def _open_case(self):
        case = self._create_case(
            partner_id=self.customer_company.id, user_id=self.senior_user.id
        )
        case.action_open()
        return case

    def _incoming(self, case):
        return case.message_ids.filtered(lambda m: m.message_type == "email")

    def _failure(self, message_id):
        return self.env["crm.case.mail.failure"].search(
            [("message_id", "=", message_id)]
        )

    def _trust_pipe(self, authserv_id):
        self.env["ir.config_parameter"].set_param(
            "crm_case.mail_trusted_authserv_id", authserv_id
        )

    # ------------------------------------------------------------
    # Every header set, every policy
    # ------------------------------------------------------------

    def test_responsible_reply_under_each_policy(self):
        """The responsible's tagged reply closes the case only when the
        policy is Off or a trusted server proved the sender."""
        header_sets = auth_headers.header_sets(self.responsible_domain)
        for name, (trusted, headers, verdict) in header_sets.items():
            for policy in POLICIES:
                with self.subTest(headers=name, policy=policy):
                    self._trust_pipe(trusted)
                    self.section_level1.gateway_sender_policy = policy
                    case = self._open_case()
                    msg_id = self._new_msg_id()
                    result = self._deliver(
                        self._mail(
                            email_from=self.senior_user.email,
                            subject=f"Re: [{case.id}] {case.name}",
                            extra=headers,
                            msg_id=msg_id,
                        )
                    )
                    self._assert_policy(case, result, msg_id, policy, verdict)

    def _assert_policy(self, case, result, msg_id, policy, verdict):
        if policy == "off" or verdict == "verified":
            self.assertEqual(result["res_id"], case.id)
            self.assertEqual(case.state, "done")
            self.assertEqual(self._incoming(case).crm_case_sender_verdict, verdict)
        elif policy == "flag":
            self.assertEqual(result["outcome"], "created")
            self.assertEqual(case.state, "open")
            self.assertFalse(self._incoming(case))
            new_case = self.env["crm.case"].browse(result["res_id"])
            self.assertEqual(self._incoming(new_case).crm_case_sender_verdict, verdict)
            notes = new_case.message_ids.filtered(lambda m: "is not verified" in m.body)
            self.assertIn(f"[{case.id}]", notes.body)
        else:
            self.assertEqual(result["outcome"], "failed")
            self.assertEqual(case.state, "open")
            self.assertIn("is not verified", self._failure(msg_id).error)

    # ------------------------------------------------------------
    # Spoofed replies
    # ------------------------------------------------------------

    def _threaded_reply(self, case, sender, headers="", msg_id=None):
        first = case.message_ids[-1]
        first.message_id = first.message_id or self._new_msg_id()
        return self._mail(
            email_from=sender,
            subject="Re: anything",
            extra=self._extra(In_Reply_To=first.message_id) + headers,
            msg_id=msg_id or self._new_msg_id(),
        )

    def test_spoofed_responsible_threaded_reply(self):
        """Headers still thread an unproven reply, which never moves the case;
        Strict keeps it for a manager, whose release lets it act."""
        self._trust_pipe(auth_headers.POSTFIX_ID)
        forged = auth_headers.forged(self.responsible_domain)
        for policy in POLICIES:
            with self.subTest(policy=policy):
                self.section_level1.gateway_sender_policy = policy
                case = self._open_case()
                msg_id = self._new_msg_id()
                result = self._deliver(
                    self._threaded_reply(case, self.senior_user.email, forged, msg_id)
                )
                if policy == "strict":
                    self.assertEqual(result["outcome"], "failed")
                    self._release(case, msg_id)
                    continue
                self.assertEqual(result["res_id"], case.id)
                self.assertEqual(self._incoming(case).crm_case_sender_verdict, "none")
                self.assertEqual(case.state, "done" if policy == "off" else "open")

    def _release(self, case, msg_id):
        failure = self._failure(msg_id)
        self.assertEqual(case.state, "open")
        with self.assertRaises(AccessError):
            failure.with_user(self.case_user).action_release()
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual(failure.state, "failed", "a plain retry is refused again")
        self.assertEqual(failure.attempts, 2)
        failure.with_user(self.case_manager).action_release()
        self.assertEqual(failure.state, "done")
        self.assertEqual(self._incoming(case).crm_case_sender_verdict, "released")
        self.assertEqual(case.state, "done", "the manager vouched for the sender")

    def test_spoofed_partner_quoting_tag(self):
        """A forged partner's reply quoting [id] reopens a closed case only
        under Off; under Flag it opens a new case, under Strict it is kept."""
        self._trust_pipe(auth_headers.GMAIL_ID)
        headers = auth_headers.gmail("customer.example.com", dmarc="fail", dkim="none")
        for policy in POLICIES:
            with self.subTest(policy=policy):
                self.section_level1.gateway_sender_policy = policy
                case = self._open_case()
                case.action_close()
                result = self._deliver(
                    self._mail(
                        email_from="carla@customer.example.com",
                        subject=f"Re: [{case.id}] {case.name}",
                        extra=headers,
                        body="Please reopen and send the refund to my new IBAN.",
                    )
                )
                expected = {"off": "open", "flag": "done", "strict": "done"}[policy]
                self.assertEqual(case.state, expected)
                outcome = {"off": "updated", "flag": "created", "strict": "failed"}
                self.assertEqual(result["outcome"], outcome[policy])

    def test_verified_partner_reopens(self):
        self._trust_pipe(auth_headers.GMAIL_ID)
        self.section_level1.gateway_sender_policy = "strict"
        case = self._open_case()
        case.action_close()
        self._deliver(
            self._mail(
                subject=f"Re: [{case.id}] {case.name}",
                extra=auth_headers.gmail("customer.example.com"),
            )
        )
        self.assertEqual(case.state, "open")
        self.assertEqual(self._incoming(case).crm_case_sender_verdict, "verified")

    def test_multiple_from_never_acts(self):
        self._trust_pipe(auth_headers.POSTFIX_ID)
        self.section_level1.gateway_sender_policy = "flag"
        case = self._open_case()
        result = self._deliver(
            self._mail(
                email_from=f"{self.senior_user.email}, mallory@attacker.example.net",
                subject=f"Re: [{case.id}] {case.name}",
                extra=auth_headers.postfix(self.responsible_domain),
            )
        )
        self.assertNotEqual(result["res_id"], case.id)
        self.assertEqual(case.state, "open")
        new_case = self.env["crm.case"].browse(result["res_id"])
        self.assertEqual(self._incoming(new_case).crm_case_sender_verdict, "unverified")

    # ------------------------------------------------------------
    # Sources, defaults, visibility
    # ------------------------------------------------------------

    def test_server_trust_applies_to_its_mails_only(self):
        """A server's trusted id counts for its fetch, the parameter for the pipe."""
        self.server.crm_case_trusted_authserv_id = auth_headers.GMAIL_ID
        raw = self._mail(extra=auth_headers.gmail("customer.example.com"))
        self.assertTrue(self._deliver(raw, server=self.server))
        case = self.env["crm.case"].search([], order="id desc", limit=1)
        self.assertEqual(self._incoming(case).crm_case_sender_verdict, "verified")
        piped = self._deliver(
            self._mail(
                subject="By the pipe", extra=auth_headers.gmail("customer.example.com")
            )
        )
        piped_case = self.env["crm.case"].browse(piped["res_id"])
        self.assertEqual(self._incoming(piped_case).crm_case_sender_verdict, "none")

    def test_default_policy_follows_trust(self):
        section = self.section_sales
        self.assertFalse(section.gateway_sender_policy)
        self.assertEqual(section._get_gateway_sender_policy(), "off")
        self.server.crm_case_trusted_authserv_id = "mx.example.org"
        self.assertEqual(section._get_gateway_sender_policy(), "flag")
        section.gateway_sender_policy = "off"
        self.assertEqual(section._get_gateway_sender_policy(), "off")
        self.server.crm_case_trusted_authserv_id = False
        section.gateway_sender_policy = False
        self._trust_pipe("mx.example.org")
        self.assertEqual(section._get_gateway_sender_policy(), "flag")

    def test_filter_and_rights(self):
        self._trust_pipe(auth_headers.GMAIL_ID)
        self.section_level1.gateway_sender_policy = "flag"
        verified = self._deliver(
            self._mail(
                subject="Proven", extra=auth_headers.gmail("customer.example.com")
            )
        )
        unproven = self._deliver(self._mail(subject="Unproven"))
        domain = [("message_ids.crm_case_sender_verdict", "in", ("unverified", "none"))]
        found = self.env["crm.case"].with_user(self.case_user).search(domain)
        self.assertIn(unproven["res_id"], found.ids)
        self.assertNotIn(verified["res_id"], found.ids)
        with self.assertRaises(AccessError):
            self.section_level1.with_user(self.case_user).gateway_sender_policy = "off"
        with self.assertRaises(AccessError):
            self.server.with_user(self.case_manager).crm_case_trusted_authserv_id = "x"

    def test_manager_sets_policy_and_trust_in_forms(self):
        with Form(self.section_sales.with_user(self.case_manager)) as form:
            form.gateway_sender_policy = "strict"
        self.assertEqual(self.section_sales.gateway_sender_policy, "strict")
        with Form(self.server) as form:
            form.crm_case_trusted_authserv_id = "mx.google.com, (none)"
        self.assertEqual(
            self.server.crm_case_trusted_authserv_id, "mx.google.com, (none)"
        )

    def test_other_messages_have_no_verdict(self):
        case = self._open_case()
        note = case.with_user(self.case_user).message_post(body="Called the customer")
        self.assertFalse(note.crm_case_sender_verdict)
        partner_message = self.customer_company.message_post(body="Hello")
        self.assertFalse(partner_message.crm_case_sender_verdict)
