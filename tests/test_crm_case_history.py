from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CrmCaseCommon


@tagged("crm_case")
class TestCrmCaseHistory(CrmCaseCommon):
    @freeze_time("2026-04-02 08:00:00")
    def test_historize_saves_note_and_clears_text(self):
        case = self._create_case()
        case.action_text = "Called the customer, waiting for logs."
        with self.mock_mail_gateway():
            case.action_historize()
        self.assertFalse(case.action_text)
        self.assertEqual(str(case.date_action_last), "2026-04-02 08:00:00")
        note = case.message_ids.filtered(lambda m: "waiting for logs" in m.body)
        self.assertEqual(len(note), 1)
        self.assertTrue(note.subtype_id.internal, "an internal note")
        self.assertFalse(self._mails, "a note is not mailed to anybody")

    def test_historize_needs_text(self):
        case = self._create_case()
        with self.assertRaisesRegex(UserError, "Write the text"):
            case.action_historize()

    def test_send_partner_and_historize_mails_the_partner(self):
        case = self._create_case(
            name="Printer broken", partner_id=self.customer_company.id
        )
        case.action_text = "Please restart the printer."
        with self.mock_mail_gateway():
            case.action_historize_send()
        self.assertFalse(case.action_text)
        self.assertSentEmail(
            self.case_user.partner_id,
            [self.customer_contact],
            subject=f"[{case.id}] Printer broken",
            reply_to="level1@example.com",
        )
        sent = [
            mail for mail in self._mails if mail["subject"].startswith(f"[{case.id}]")
        ]
        self.assertEqual(len(sent), 1)
        self.assertIn("Please restart the printer.", sent[0]["body"])
        message = case.message_ids.filtered(lambda m: "restart the printer" in m.body)
        self.assertEqual(message.subject, f"[{case.id}] Printer broken")
        self.assertFalse(message.subtype_id.internal)

    def test_send_partner_to_a_bare_email(self):
        case = self._create_case(email_from="someone@elsewhere.example.com")
        case.action_text = "Here is the answer."
        with self.mock_mail_gateway():
            case.action_historize_send()
        sent = [m for m in self._mails if m["subject"] == f"[{case.id}] {case.name}"]
        self.assertEqual(len(sent), 1)
        self.assertEqual(sent[0]["email_to"], ["someone@elsewhere.example.com"])

    def test_send_partner_needs_an_email(self):
        case = self._create_case()
        case.action_text = "Hello"
        with self.assertRaisesRegex(UserError, "no valid partner email"):
            case.action_historize_send()
        self.assertEqual(case.action_text, "Hello", "nothing is lost on refusal")
