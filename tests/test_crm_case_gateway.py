from unittest.mock import patch

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import email_normalize, mute_logger

from .gateway_common import MAIL_HTML_ATTACHMENT, CrmCaseGatewayCommon


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGateway(CrmCaseGatewayCommon):
    # ------------------------------------------------------------
    # New cases
    # ------------------------------------------------------------

    def test_section_alias_creates_cases_of_the_section(self):
        alias = self.section_level1.alias_id
        self.assertEqual(alias.alias_model_id.model, "crm.case")
        self.assertIn(str(self.section_level1.id), alias.alias_defaults)
        self.assertEqual(self.section_level1.alias_email, self.support_email)

    def test_new_mail_creates_case(self):
        with self.mock_mail_gateway():
            case = self.format_and_process(
                MAIL_HTML_ATTACHMENT,
                "Carla Contact <carla@customer.example.com>",
                self.support_email,
                subject="Printer prints blank pages",
                cc="boss@customer.example.com, Ann <ann@customer.example.com>",
                target_model="crm.case",
            )
        self.assertEqual(len(case), 1)
        self.assertEqual(case.section_id, self.section_level1)
        self.assertEqual(case.name, "Printer prints blank pages")
        self.assertIn("prints blank pages", case.description)
        self.assertEqual(email_normalize(case.email_from), "carla@customer.example.com")
        self.assertEqual(case.partner_id, self.customer_company)
        self.assertEqual(case.partner_address_id, self.customer_contact)
        self.assertIn("boss@customer.example.com", case.email_cc)
        self.assertIn("ann@customer.example.com", case.email_cc)
        self.assertEqual(case.state, "draft")
        self.assertFalse(case.user_id)
        message = case.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(len(message), 1)
        self.assertEqual(message.attachment_ids.name, "printer.log")
        self.assertEqual(message.attachment_ids.res_id, case.id)
        self.assertFalse(self._new_mails, "no acknowledgement unless asked")

    def test_new_mail_goes_through_rules_hook(self):
        events = []

        def spy(cases, event, previous_states):
            events.append((cases.ids, event, previous_states))
            return True

        with patch.object(
            self.registry["crm.case"],
            "_fire_case_event",
            autospec=True,
            side_effect=spy,
        ):
            case = self._process(to=self.sales_email)
        self.assertEqual(case.section_id, self.section_sales)
        self.assertEqual(events, [([case.id], "draft", {case.id: "none"})])

    def test_unknown_sender_without_partner(self):
        case = self._process(email_from="Nobody <nobody@unknown.example.org>")
        self.assertFalse(case.partner_id)
        self.assertEqual(email_normalize(case.email_from), "nobody@unknown.example.org")

    def test_server_section_for_mails_without_address(self):
        server = self.env["fetchmail.server"].create(
            {
                "name": "Cases POP",
                "server_type": "pop",
                "server": "localhost",
                "object_id": self.env["ir.model"]._get_id("crm.case"),
                "crm_case_section_id": self.section_sales.id,
            }
        )
        raw = self._mail(to="someone@elsewhere.example.org").encode()
        self.assertTrue(server._crm_case_process_mail(raw))
        case = self.env["crm.case"].search(
            [("name", "=", "Printer prints blank pages")]
        )
        self.assertEqual(case.section_id, self.section_sales)

    def test_mail_without_section_is_kept_as_failure(self):
        """Through the pipe too: kept for a manager, and the call returns
        normally, so that the MTA does not bounce the mail."""
        case = self._process(
            model="crm.case", to="someone@elsewhere.example.org", subject="Lost?"
        )
        self.assertFalse(case)
        failure = self.env["crm.case.mail.failure"].search([("name", "=", "Lost?")])
        self.assertEqual(failure.state, "failed")
        self.assertIn("reached no section", failure.error)
        self.assertFalse(failure.server_id)

    def test_mail_to_two_sections_recorded_once(self):
        case = self._process(to=f"{self.support_email}, {self.sales_email}")
        cases = self.env["crm.case"].search(
            [("name", "=", "Printer prints blank pages")]
        )
        self.assertEqual(cases, case)

    # ------------------------------------------------------------
    # Threading
    # ------------------------------------------------------------

    def test_reply_to_case_message_updates_case(self):
        case = self._process()
        first = case.message_ids.filtered(lambda m: m.message_type == "email")
        # Odoo's standard threading: the reply's headers name a message of the case.
        answer = self._process(
            email_from=self.stranger_email,
            subject="Any subject",
            extra=self._extra(In_Reply_To=first.message_id),
        )
        self.assertEqual(answer, case)
        self.assertEqual(
            len(case.message_ids.filtered(lambda m: m.message_type == "email")), 2
        )

    def _tagged_reply(self, case, email_from, **values):
        return self._process(
            email_from=email_from,
            subject=f"Re: [{case.id}] {case.name}",
            **values,
        )

    def test_tag_from_case_people_updates_case(self):
        follower = self.env["res.partner"].create(
            {"name": "Follower", "email": "follower@example.org"}
        )
        case = self._create_case(
            partner_id=self.customer_company.id,
            email_cc="watcher@example.org",
            user_id=self.senior_user.id,
        )
        case.message_subscribe(partner_ids=follower.ids)
        senders = {
            "partner": "info@customer.example.com",
            "contact": "Carla <carla@customer.example.com>",
            "responsible": self.senior_user.email,
            "watcher": "watcher@example.org",
            "follower": "Follower <follower@example.org>",
            "internal user": self.internal_user.email,
        }
        self.section_level1.gateway_reply_state = "unchanged"
        for who, sender in senders.items():
            with self.subTest(who=who):
                count = len(case.message_ids)
                self.assertEqual(self._tagged_reply(case, sender), case)
                self.assertGreater(len(case.message_ids), count)

    def test_tag_from_stranger_never_touches_case(self):
        case = self._create_case(partner_id=self.customer_company.id)
        case.action_open()
        messages = case.message_ids
        with self.mock_mail_gateway():
            new_case = self._tagged_reply(
                case, f"Mallory <{self.stranger_email}>", body="I own this now."
            )
        self.assertNotEqual(new_case, case)
        self.assertEqual(case.message_ids, messages)
        self.assertEqual(case.state, "open")
        self.assertEqual(email_normalize(new_case.email_from), self.stranger_email)
        self.assertEqual(new_case.section_id, self.section_level1)
        note = new_case.message_ids.filtered(lambda m: f"[{case.id}]" in m.body)
        self.assertTrue(note, "the history notes the claimed tag")
        self.assertIn(self.stranger_email, note.body)

    def test_tag_of_missing_case_creates_case(self):
        case = self._process(subject="Re: [999999999] Ghost", model="crm.case")
        self.assertEqual(case.name, "Re: [999999999] Ghost")

    # ------------------------------------------------------------
    # Replies move the case
    # ------------------------------------------------------------

    def _open_case_of_carla(self):
        case = self._create_case(
            partner_id=self.customer_company.id, user_id=self.senior_user.id
        )
        case.action_open()
        return case

    def test_responsible_reply_closes_case_by_default(self):
        case = self._open_case_of_carla()
        self._tagged_reply(case, self.senior_user.email)
        self.assertEqual(case.state, "done")
        self.assertTrue(case.date_closed)

    def test_responsible_reply_section_setting(self):
        for setting, expected in (("pending", "pending"), ("unchanged", "open")):
            with self.subTest(setting=setting):
                self.section_level1.gateway_reply_state = setting
                case = self._open_case_of_carla()
                self._tagged_reply(case, self.senior_user.email)
                self.assertEqual(case.state, expected)

    def test_responsible_reply_on_draft_case(self):
        case = self._create_case(user_id=self.senior_user.id)
        self._tagged_reply(case, self.senior_user.email)
        self.assertEqual(case.state, "done")

    def test_partner_reply_reopens_case(self):
        for close in ("action_close", "action_pending"):
            with self.subTest(close=close):
                case = self._open_case_of_carla()
                getattr(case, close)()
                with patch.object(
                    self.registry["crm.case"],
                    "_fire_case_event",
                    autospec=True,
                    return_value=True,
                ) as hook:
                    self._tagged_reply(case, "carla@customer.example.com")
                self.assertEqual(case.state, "open")
                self.assertEqual(
                    hook.call_args.args[1], "open", "reopened through the rules"
                )

    def test_partner_reply_keeps_open_case_open(self):
        case = self._open_case_of_carla()
        self._tagged_reply(case, "carla@customer.example.com")
        self.assertEqual(case.state, "open")

    # ------------------------------------------------------------
    # No loops, no duplicates
    # ------------------------------------------------------------

    def test_acknowledgement_is_automated(self):
        self.section_level1.gateway_acknowledge = True
        with self.mock_mail_gateway():
            case = self._process()
        self.assertEqual(len(self._new_mails), 1)
        ack = self._new_mails
        self.assertEqual(ack.subject, f"[{case.id}] Printer prints blank pages")
        self.assertEqual(ack.email_to, case.email_from)
        self.assertEqual(ack.reply_to, "level1@example.com")
        self.assertIn("auto-generated", ack.headers)
        self.assertIn("X-Auto-Response-Suppress", ack.headers)
        with self.mock_mail_gateway():
            ack.send()
        sent = self._mails[0]
        self.assertEqual(sent["headers"].get("Auto-Submitted"), "auto-generated")

    def test_auto_replies_get_no_automatic_mail(self):
        self.section_level1.gateway_acknowledge = True
        robots = {
            "auto-submitted": {"extra": self._extra(Auto_Submitted="auto-replied")},
            "x-autoreply": {"extra": self._extra(X_Autoreply="yes")},
            "suppress": {"extra": self._extra(X_Auto_Response_Suppress="All")},
            "bulk": {"extra": self._extra(Precedence="bulk")},
            "junk": {"extra": self._extra(Precedence="junk")},
            "list": {"extra": self._extra(Precedence="list")},
            "daemon": {"email_from": "MAILER-DAEMON@mx.customer.example.com"},
        }
        for robot, values in robots.items():
            with self.subTest(robot=robot), self.mock_mail_gateway():
                case = self._process(subject=f"Robot {robot}", **values)
                self.assertTrue(case, "the mail is kept in a case")
                self.assertTrue(
                    case.message_ids.filtered(lambda m: m.message_type == "email")
                )
                self.assertFalse(self._new_mails)
        with self.mock_mail_gateway():
            self._process(subject="Human", extra=self._extra(Auto_Submitted="no"))
        self.assertEqual(len(self._new_mails), 1, "Auto-Submitted: no is a human")

    def test_rules_send_no_mail_to_robots(self):
        self.env["crm.case.rule"].search([]).active = False
        self.env["crm.case.rule"].create(
            {
                "name": "Thank the partner for every new case",
                "trg_state_from": "none",
                "act_mail_to_partner": True,
                "act_mail_body": "We have your case %(case_id)s.",
            }
        )
        with self.mock_mail_gateway():
            robot_case = self._process(
                subject="Robot", extra=self._extra(Auto_Submitted="auto-replied")
            )
            self.assertTrue(robot_case.rule_log_ids, "the rule fired")
            self.assertFalse(self._new_mails, "but wrote nothing to a robot")
            human_case = self._process(subject="Human")
            self.assertEqual(len(self._new_mails), 1)
            self.assertEqual(self._new_mails.res_id, human_case.id)

    def test_auto_reply_of_responsible_does_not_close(self):
        case = self._open_case_of_carla()
        self._tagged_reply(
            case,
            self.senior_user.email,
            extra=self._extra(Auto_Submitted="auto-replied"),
        )
        self.assertEqual(case.state, "open")
        self.assertEqual(case.message_ids[0].message_type, "email")

    def test_auto_responders_do_not_ping_pong(self):
        """Our acknowledgement reaches an auto-responder whose answer (threaded
        on the acknowledgement) comes back: it is stored, and nothing more goes out."""
        self.section_level1.gateway_acknowledge = True
        with self.mock_mail_gateway():
            case = self._process()
            ack = self._new_mails
            self.assertEqual(len(ack), 1)
            self._init_mail_mock()
            answer = self._process(
                subject="Out of office: " + ack.subject,
                extra=self._extra(
                    In_Reply_To=ack.message_id, Auto_Submitted="auto-replied"
                ),
            )
            self.assertEqual(answer, case)
            self.assertFalse(self._new_mails)
        # The other way round: an auto-responder writes first, we do not answer.
        with self.mock_mail_gateway():
            self._process(
                subject="Automatic reply",
                email_from="robot@customer.example.com",
                extra=self._extra(Auto_Submitted="auto-replied"),
            )
            self.assertFalse(self._new_mails)

    def test_bounce_about_case_is_kept(self):
        case = self._open_case_of_carla()
        with self.mock_mail_gateway():
            case.message_post(
                body="Answer",
                partner_ids=self.customer_contact.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        sent = case.message_ids[0]
        self._process(
            email_from="MAILER-DAEMON@mx.customer.example.com",
            to=f"{self.alias_bounce}@{self.alias_domain}",
            subject="Undelivered Mail Returned to Sender",
            extra=self._extra(In_Reply_To=sent.message_id, References=sent.message_id),
        )
        self.assertEqual(case.state, "open")
        bounce = case.message_ids.filtered(
            lambda m: "Undelivered Mail" in (m.subject or "")
        )
        self.assertEqual(bounce.message_type, "email")

    def test_same_message_id_recorded_once(self):
        msg_id = self._new_msg_id()
        case = self._process(msg_id=msg_id)
        again = self._process(msg_id=msg_id)
        self.assertFalse(again)
        self.assertEqual(
            self.env["mail.message"].search_count([("message_id", "=", msg_id)]), 1
        )
        self.assertEqual(
            self.env["crm.case"].search_count([("name", "=", case.name)]), 1
        )

    @mute_logger("odoo.sql_db")
    def test_database_refuses_duplicate_message_id(self):
        """The guard against two processes at once: a unique index."""
        case = self._process()
        message = case.message_ids.filtered(lambda m: m.message_type == "email")
        with self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env["mail.message"].create(
                {
                    "model": "crm.case",
                    "res_id": case.id,
                    "message_type": "email",
                    "message_id": message.message_id,
                    "body": "copy",
                }
            )

    # ------------------------------------------------------------
    # Outgoing mails
    # ------------------------------------------------------------

    def test_outgoing_reply_subject_and_reply_to(self):
        self.section_sales.user_id = self.case_user
        case = self._process(to=self.sales_email, subject="Price of 40 chairs")
        case.message_subscribe(partner_ids=case.partner_address_id.ids)
        with self.mock_mail_gateway():
            case.with_user(self.case_user).message_post(
                body="Here is our offer.",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.assertEqual(len(self._mails), 1)
        mail = self._mails[0]
        self.assertEqual(
            mail["email_to"], ['"Carla Contact" <carla@customer.example.com>']
        )
        self.assertTrue(mail["subject"].startswith(f"[{case.id}] "))
        self.assertEqual(mail["reply_to"], self.sales_email)

    def test_outgoing_keeps_tag_first_for_incoming_subjects(self):
        case = self._process(to=self.sales_email, subject="x" * 5000)
        answer = self._process(
            subject=f"Re: [{case.id}] " + "x" * 5000,
            email_from="carla@customer.example.com",
            model="crm.case",
        )
        self.assertEqual(answer, case)
        case.message_subscribe(partner_ids=self.case_user.partner_id.ids)
        with self.mock_mail_gateway():
            self._process(
                subject=f"Re: [{case.id}] again",
                email_from="carla@customer.example.com",
                model="crm.case",
            )
        self.assertTrue(self._mails)
        for mail in self._mails:
            self.assertTrue(mail["subject"].startswith(f"[{case.id}] "))

    def test_send_partner_and_historize_mail(self):
        case = self._process(to=self.sales_email)
        case.action_text = "We will call you."
        with self.mock_mail_gateway():
            case.with_user(self.case_user).action_historize_send()
        mail = self._mails[0]
        self.assertEqual(mail["subject"], f"[{case.id}] Printer prints blank pages")
        self.assertEqual(mail["reply_to"], self.sales_email)


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayFailures(CrmCaseGatewayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls._create_case_server("Cases IMAP")

    def _fetch_one(self, raw):
        """Process one raw mail as the case servers do; return (case, failure)."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        cases_before = self.env["crm.case"].search([])
        failures_before = self.env["crm.case.mail.failure"].search([])
        with mute_logger("odoo.addons.crm_case.models.fetchmail_server"):
            self.server._crm_case_process_mail(raw)
        return (
            self.env["crm.case"].search([]) - cases_before,
            self.env["crm.case.mail.failure"].search([]) - failures_before,
        )

    def test_unroutable_mail_is_kept_and_retried(self):
        raw = self._mail(to="nobody@elsewhere.example.org", subject="Lost?")
        case, failure = self._fetch_one(raw)
        self.assertFalse(case)
        self.assertEqual(failure.name, "Lost?")
        self.assertEqual(failure.server_id, self.server)
        self.assertIn("reached no section", failure.error)
        self.assertEqual(failure.attempts, 1)
        self.assertEqual(failure.state, "failed")
        # The same mail failing again counts an attempt, not a new failure.
        __, again = self._fetch_one(raw)
        self.assertFalse(again)
        self.assertEqual(failure.attempts, 2)
        # A user of the cases may not see nor retry it.
        with self.assertRaises(AccessError):
            failure.with_user(self.case_user).read(["error"])
        with self.assertRaises(AccessError):
            failure.with_user(self.case_user).action_retry()
        # Still failing: the retry keeps it.
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual((failure.state, failure.attempts), ("failed", 3))
        # Fixed configuration: the retry creates the case.
        self.server.crm_case_section_id = self.section_sales
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual(failure.state, "done")
        case = self.env["crm.case"].search([("name", "=", "Lost?")])
        self.assertEqual(case.section_id, self.section_sales)
        with self.assertRaisesRegex(UserError, "already processed"):
            failure.with_user(self.case_manager).action_retry()

    def test_error_in_rules_is_kept(self):
        with self._rules_exploding():
            case, failure = self._fetch_one(self._mail(subject="Boom"))
        self.assertFalse(case)
        self.assertIn("rule exploded", failure.error)
        self.assertFalse(self.section_level1.alias_id.alias_status == "invalid")

    def test_odd_mails_give_a_case_or_a_failure(self):
        big = "A" * (20 * 1024 * 1024)
        odd_mails = {
            "no subject": self._mail(subject=""),
            "no body": self._mail(subject="Empty", body=""),
            "html only": self._mail(MAIL_HTML_ATTACHMENT, subject="Html only"),
            "1 MB subject": self._mail(subject="S" * (1024 * 1024)),
            "unknown charset": self._mail(subject="Charset").replace(
                'charset="utf-8"', 'charset="x-no-such-charset"'
            ),
            "mislabelled charset": self._mail(
                subject="Latin", body="caf\xe9 cr\xe8me"
            ).encode("latin-1"),
            "20 MB attachment": self._mail(
                subject="Big",
                body=f"--b\nContent-Type: text/plain\n\nsee file\n--b\n"
                "Content-Type: application/octet-stream\n"
                'Content-Disposition: attachment; filename="big.bin"\n'
                f"Content-Transfer-Encoding: base64\n\n{big}\n--b--\n",
            ).replace(
                'Content-Type: text/plain; charset="utf-8"',
                'Content-Type: multipart/mixed; boundary="b"',
            ),
            "garbage": b"\xff\xfe\x00 not a mail at all \x00",
        }
        for label, raw in odd_mails.items():
            with self.subTest(label=label):
                case, failure = self._fetch_one(raw)
                self.assertEqual(len(case) + len(failure), 1)
                if failure:
                    self.assertTrue(failure.error)
                    self.assertTrue(failure.raw_message)
        # The readable ones are cases.
        names = self.env["crm.case"].search([]).mapped("name")
        for name in ("(no subject)", "Empty", "Html only", "Latin", "Big"):
            self.assertIn(name, names)


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewaySettings(CrmCaseGatewayCommon):
    def test_manager_sets_section_address_in_form(self):
        with Form(self.section_sales.with_user(self.case_manager)) as form:
            form.alias_name = "quality"
            form.gateway_reply_state = "pending"
            form.gateway_acknowledge = True
        self.assertEqual(self.section_sales.alias_email, f"quality@{self.alias_domain}")
        case = self._process(to=f"quality@{self.alias_domain}")
        self.assertEqual(case.section_id, self.section_sales)

    def test_server_form_asks_section_for_case_servers(self):
        form = Form(self.env["fetchmail.server"])
        form.name = "Cases"
        form.server = "localhost"
        form.user = "cases"
        form.password = "secret"
        self.assertTrue(form._get_modifier("crm_case_section_id", "invisible"))
        form.object_id = self.env["ir.model"]._get("crm.case")
        self.assertFalse(form._get_modifier("crm_case_section_id", "invisible"))
        form.crm_case_section_id = self.section_sales
        server = form.save()
        self.assertEqual(
            server._crm_case_custom_values(), {"section_id": self.section_sales.id}
        )

    def test_user_cannot_change_section_address(self):
        with self.assertRaises(AccessError):
            self.section_sales.with_user(self.case_user).write(
                {"alias_name": "mine", "gateway_reply_state": "unchanged"}
            )

    def test_new_section_gets_its_alias(self):
        section = (
            self.env["crm.case.section"]
            .with_user(self.case_manager)
            .create({"name": "Quality", "alias_name": "quality-new"})
        )
        self.assertEqual(section.alias_id.alias_model_id.model, "crm.case")
        self.assertEqual(section.alias_id.alias_parent_thread_id, section.id)
        self.assertEqual(section.gateway_reply_state, "done")
        case = self._process(to=f"quality-new@{self.alias_domain}")
        self.assertEqual(case.section_id, section)
