from datetime import datetime

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.mail.tests.common import mail_new_test_user

from .sla_common import T0, CrmCaseSlaCommon


@tagged("crm_case", "crm_case_sla")
class TestCrmCaseSlaEvents(CrmCaseSlaCommon):
    """The first response, and the rules fired on service level events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Paula Partner", "email": "paula@customer.example.com"}
        )

    def _customer_case(self, when=T0):
        return self._case_at(
            when, partner_id=self.customer.id, email_from=self.customer.email
        )

    def _post(self, case, when, user=None, **values):
        values.setdefault("body", "About your printer")
        values.setdefault("message_type", "comment")
        values.setdefault("subtype_xmlid", "mail.mt_comment")
        poster = case.with_user(user) if user else case
        with self.mock_datetime_and_now(when):
            return poster.message_post(**values)

    # ------------------------------------------------------------
    # First response
    # ------------------------------------------------------------

    def test_first_response_by_send_partner_and_historize(self):
        sla = self._create_sla(target_hours=2)
        case = self._customer_case()
        case.action_text = "Please restart the printer."
        with self.mock_mail_gateway(), self.mock_datetime_and_now(
            datetime(2026, 5, 4, 10, 30)
        ):
            case.action_historize_send()
        self.assertEqual(case.date_first_response, datetime(2026, 5, 4, 10, 30))
        status = self._status(case, sla)
        self.assertEqual(status.state, "met")
        self.assertAlmostEqual(status.hours_taken, 1.5)
        self.assertEqual(case.sla_state, "met")

    def test_first_response_by_chatter_reply_is_set_once(self):
        sla = self._create_sla(target_hours=2)
        case = self._customer_case()
        self._post(case, datetime(2026, 5, 4, 9, 45), self.case_user)
        self.assertEqual(case.date_first_response, datetime(2026, 5, 4, 9, 45))
        self._post(case, datetime(2026, 5, 4, 11, 0), self.senior_user)
        self.assertEqual(case.date_first_response, datetime(2026, 5, 4, 9, 45))
        self.assertAlmostEqual(self._status(case, sla).hours_taken, 0.75)

    def test_notes_customer_and_automated_messages_are_no_response(self):
        self._create_sla(target_hours=2)
        case = self._customer_case()
        when = datetime(2026, 5, 4, 9, 30)
        # A note, by Historize and by the chatter.
        case.action_text = "Called the customer, no answer."
        with self.mock_datetime_and_now(when):
            case.action_historize()
        self._post(case, when, self.case_user, subtype_xmlid="mail.mt_note")
        # The customer's own messages, by mail and on the portal.
        self._post(case, when, message_type="email", author_id=self.customer.id)
        portal_user = self._portal_user()
        self._post(case, when, portal_user)
        # Automated: OdooBot's messages and the rules' reminders (mails only).
        self._post(case, when, self.env.ref("base.user_root"))
        rule = self.Rule.create(
            {"name": "Remind", "trg_date_type": "create", "act_remind_user": True}
        )
        self._at(when, rule._check_time_rules)
        self.assertTrue(case.rule_log_ids)
        self.assertFalse(case.date_first_response)
        self.assertEqual(case.sla_status_ids.state, "ongoing")

    def _portal_user(self):
        return mail_new_test_user(
            self.env,
            login="paula_portal",
            name="Paula Portal",
            email=self.customer.email,
            groups="base.group_portal",
            partner_id=self.customer.id,
        )

    # ------------------------------------------------------------
    # Rules on service level events
    # ------------------------------------------------------------

    def _sla_rule(self, **values):
        values.setdefault("name", "On breach")
        values.setdefault("trg_date_type", "sla")
        values.setdefault("trg_sla_event", "breached")
        return self.Rule.with_user(self.case_manager).create(values)

    def test_breach_fires_once_per_case_and_policy(self):
        self._create_sla(name="Answer in 2 h", target_hours=2)
        self._create_sla(name="Solve in 3 h", target_type="resolution", target_hours=3)
        rule = self._sla_rule(act_remind_user=True)
        case = self._customer_case()
        other = self._customer_case(when=datetime(2026, 5, 4, 10, 0))
        self._cron_at(datetime(2026, 5, 4, 10, 59))
        self.assertFalse(case.rule_log_ids)
        self._cron_at(datetime(2026, 5, 4, 13, 30))
        self._cron_at(datetime(2026, 5, 4, 13, 45))
        logs = case.rule_log_ids
        self.assertEqual(logs.rule_id, rule)
        self.assertEqual(
            sorted(logs.mapped("trigger_date")),
            [datetime(2026, 5, 4, 11, 0), datetime(2026, 5, 4, 12, 0)],
            "one firing per policy, at its deadline",
        )
        self.assertEqual(set(logs.mapped("state")), {"done"})
        reminders = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", "crm.case"), ("res_id", "=", case.id)])
        )
        self.assertEqual(len(reminders), 2)
        self.assertEqual(len(other.rule_log_ids), 1, "only its first response is late")

    def test_policies_breached_at_the_same_instant_fire_once_each(self):
        answer = self._create_sla(name="Answer in 2 h", target_hours=2)
        solve = self._create_sla(
            name="Solve in 2 h", target_type="resolution", target_hours=2
        )
        rule = self._sla_rule(act_remind_user=True)
        case = self._customer_case()
        self.assertEqual(
            self._status(case, answer).deadline, self._status(case, solve).deadline
        )
        self._cron_at(datetime(2026, 5, 4, 11, 30))
        self._cron_at(datetime(2026, 5, 4, 11, 45))
        logs = case.rule_log_ids
        self.assertEqual(logs.rule_id, rule)
        self.assertEqual(
            sorted(logs.mapped("trigger_key")), sorted((answer | solve).ids)
        )
        self.assertEqual(set(logs.mapped("trigger_date")), {datetime(2026, 5, 4, 11)})
        self.assertEqual(set(logs.mapped("state")), {"done"})

    def test_breach_rule_escalates_to_the_parent_section(self):
        self._create_sla(target_hours=2)
        self._sla_rule(
            name="Escalate breaches",
            trg_section_id=self.section_level1.id,
            trg_section_child=False,
            act_section_id=self.section_level2.id,
            act_user_id=self.senior_user.id,
        )
        case = self._customer_case()
        self._at(T0, case.action_open)
        self._cron_at(datetime(2026, 5, 4, 11, 30))
        self.assertEqual(case.section_id, self.section_level2)
        self.assertEqual(case.user_id, self.senior_user)
        self.assertEqual(case.sla_state, "breached", "the breach stays on record")
        self._cron_at(datetime(2026, 5, 4, 12, 30))
        self.assertEqual(len(case.rule_log_ids), 1)

    def test_at_risk_rule_of_one_policy(self):
        answer = self._create_sla(name="Answer in 2 h", target_hours=2)
        self._create_sla(name="Answer in 1 h", target_hours=1)
        rule = self._sla_rule(
            name="Raise at-risk answers",
            trg_sla_event="at_risk",
            trg_sla_id=answer.id,
            act_priority="1",
        )
        case = self._customer_case()
        # 80 % of 1 h: the other policy is at risk at 9:48, breached at 10:00.
        self._cron_at(datetime(2026, 5, 4, 10, 0))
        self.assertEqual(case.priority, "3")
        # 80 % of 2 h: 10:36.
        with self.mock_datetime_and_now(datetime(2026, 5, 4, 10, 40)):
            self.env["crm.case.sla.status"]._cron_update_states()
            action = rule.with_user(self.case_manager).action_preview()
        self.assertEqual(self.env["crm.case"].search(action["domain"]), case)
        self._cron_at(datetime(2026, 5, 4, 10, 40))
        self.assertEqual(case.priority, "1")
        self.assertEqual(case.rule_log_ids.trigger_date, datetime(2026, 5, 4, 10, 36))

    def test_sla_rule_needs_its_event(self):
        with self.assertRaisesRegex(ValidationError, "choose the event"):
            self._sla_rule(trg_sla_event=False)
        form = Form(self.Rule.with_user(self.case_manager))
        form.name = "Remind on risk"
        form.trg_date_type = "sla"
        form.trg_sla_event = "at_risk"
        form.act_remind_user = True
        self.assertEqual(form.save().trg_sla_event, "at_risk")

    # ------------------------------------------------------------
    # Generated menus
    # ------------------------------------------------------------

    def test_generated_menus_list_at_risk_and_breached_cases(self):
        self._create_sla(target_hours=2)
        at_risk = self._customer_case(when=datetime(2026, 5, 4, 9, 30))
        breached = self._customer_case()
        self._customer_case(when=datetime(2026, 5, 4, 11, 0))
        self._cron_at(datetime(2026, 5, 4, 11, 10))
        wizard = self.env["crm.case.section.menu.create"].with_user(self.case_manager)
        wizard.create(
            {
                "section_id": self.section_level1.id,
                "base_name": "Support",
                "parent_menu_id": self.env.ref("crm_case.crm_case_menu_root").id,
            }
        ).action_create_menus()
        lines = {line.key: line for line in self.section_level1.generated_menu_ids}
        Case = self.env["crm.case"].with_user(self.case_user)
        for key, expected in (("sla_at_risk", at_risk), ("sla_breached", breached)):
            action = lines[key].action_id
            self.assertEqual(
                Case.search(safe_eval(action.domain, {"uid": self.case_user.id})),
                expected,
            )
        self.assertEqual(lines["sla_breached"].menu_id.name, "SLA Breached Support")
