import ast
import json

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CrmCaseCommon

CANNED_BODY = (
    '<p>Hello <t t-out="object.partner_address_id.name"/>, your request '
    '<t t-out="object.name"/> (<t t-out="object.id"/>) is handled by '
    '<t t-out="object.section_id.name"/>.</p>'
)


@tagged("crm_case", "case_canned_reply")
class TestCrmCaseCannedReply(CrmCaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Template = cls.env["mail.template"].with_user(cls.case_manager)
        model = cls.env["ir.model"]._get_id("crm.case")
        cls.shared_reply = Template.create(
            {
                "name": "Shared answer",
                "model_id": model,
                "crm_case_canned_reply": True,
                "subject": "{{ object.name }}",
                "body_html": CANNED_BODY,
            }
        )
        cls.level1_reply = Template.create(
            {
                "name": "Level 1 answer",
                "model_id": model,
                "crm_case_canned_reply": True,
                "crm_case_section_ids": [(6, 0, cls.section_level1.ids)],
                "body_html": '<p>Level one checks <t t-out="object.name"/>.</p>',
            }
        )
        cls.sales_reply = Template.create(
            {
                "name": "Sales answer",
                "model_id": model,
                "crm_case_canned_reply": True,
                "crm_case_section_ids": [(6, 0, cls.section_sales.ids)],
                "body_html": "<p>Sales</p>",
            }
        )
        # A case template that is no canned reply (a rule's mail, say).
        cls.rule_template = Template.create(
            {"name": "Rule mail", "model_id": model, "body_html": "<p>Rule</p>"}
        )

    def _create_partner_case(self):
        return self._create_case(
            name="Scanner jams",
            partner_id=self.customer_company.id,
            partner_address_id=self.customer_contact.id,
        )

    def test_offered_replies_are_the_sections_and_the_shared(self):
        case = self._create_partner_case()
        offered = (
            self.env["mail.template"]
            .with_user(self.case_user)
            .search(case._get_canned_reply_domain())
        )
        ours = (
            self.shared_reply
            | self.level1_reply
            | self.sales_reply
            | self.rule_template
        )
        self.assertEqual(offered & ours, self.shared_reply | self.level1_reply)
        # The form's domain says the same.
        field_domain = case._fields["canned_reply_id"].domain
        self.assertIn("crm_case_section_ids", field_domain)

    def test_pick_fills_action_text_then_send(self):
        case = self._create_partner_case()
        with Form(case.with_user(self.case_user)) as form:
            form.canned_reply_id = self.shared_reply
            self.assertEqual(
                form.action_text.strip(),
                f"Hello Carla Contact, your request Scanner jams ({case.id}) is "
                "handled by Level 1.",
            )
            # The user edits the text before sending it.
            form.action_text += "\nThanks for your patience."
        self.assertIn("Thanks for your patience.", case.action_text)
        with self.mock_mail_gateway():
            case.with_user(self.case_user).action_historize_send()
        message = case.message_ids.filtered(lambda m: "handled by Level 1" in m.body)
        self.assertEqual(len(message), 1)
        self.assertFalse(message.subtype_id.internal)
        self.assertIn(self.customer_contact, message.partner_ids)
        self.assertFalse(case.action_text)

    def test_reply_of_another_section_refused(self):
        case = self._create_partner_case()
        with self.assertRaisesRegex(UserError, "not offered in the section"):
            case.with_user(self.case_user)._render_canned_reply(self.sales_reply)
        with self.assertRaisesRegex(UserError, "not offered in the section"):
            case.with_user(self.case_user)._render_canned_reply(self.rule_template)

    @mute_logger("odoo.tests.form.onchange")
    def test_unsaved_case_asks_to_save_first(self):
        form = Form(self.env["crm.case"].with_user(self.case_user))
        form.name = "Not saved yet"
        form.section_id = self.section_level1
        form.canned_reply_id = self.shared_reply
        self.assertFalse(form.action_text)
        self.assertFalse(form.canned_reply_id)

    def _chatter_composer(self, case):
        """The composer the chatter's Send Message opens on ``case``."""
        return Form(
            self.env["mail.compose.message"]
            .with_user(self.case_user)
            .with_context(
                default_model="crm.case",
                default_res_ids=case.ids,
                default_composition_mode="comment",
            )
        )

    def test_chatter_composer_uses_a_canned_reply(self):
        case = self._create_partner_case()
        composer = self._chatter_composer(case)
        composer.template_id = self.shared_reply
        self.assertIn("your request Scanner jams", composer.body)
        self.assertEqual(composer.subject, "Scanner jams")
        with self.mock_mail_gateway():
            composer.save().action_send_mail()
        message = case.message_ids.filtered(lambda m: "handled by Level 1" in m.body)
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.case_user.partner_id)

    def _offered_in_composer(self, composer):
        """The case templates the composer's template selector lists."""
        domain = json.loads(composer.crm_case_template_domain)
        return (
            self.env["mail.template"]
            .with_user(self.case_user)
            .search([("model", "=", "crm.case"), *domain])
        )

    def test_chatter_composer_offers_the_replies_of_the_cases(self):
        case = self._create_partner_case()
        offered = self._offered_in_composer(self._chatter_composer(case))
        case_templates = self.shared_reply | self.level1_reply | self.sales_reply
        case_templates |= self.rule_template
        self.assertEqual(
            offered & case_templates,
            self.shared_reply | self.level1_reply | self.rule_template,
        )
        # On cases of two sections: what every one of them may use.
        sales_case = self._create_case(name="Quote", section_id=self.section_sales.id)
        offered = self._offered_in_composer(self._chatter_composer(case | sales_case))
        self.assertEqual(
            offered & case_templates, self.shared_reply | self.rule_template
        )
        # Another model's composer is left as Odoo makes it.
        partner_composer = Form(
            self.env["mail.compose.message"]
            .with_user(self.case_user)
            .with_context(
                default_model="res.partner",
                default_res_ids=self.customer_company.ids,
                default_composition_mode="comment",
            )
        )
        self.assertEqual(json.loads(partner_composer.crm_case_template_domain), [])

    def test_chatter_composer_refuses_another_sections_reply(self):
        case = self._create_partner_case()
        composer = self._chatter_composer(case)
        composer.template_id = self.sales_reply
        wizard = composer.save()
        with self.assertRaisesRegex(UserError, "not offered in the section"):
            wizard.action_send_mail()
        self.assertFalse(case.message_ids.filtered(lambda m: "Sales" in m.body))

    def test_only_managers_keep_case_templates(self):
        model = self.env["ir.model"]._get_id("crm.case")
        Template = self.env["mail.template"].with_user(self.case_user)
        with self.assertRaisesRegex(AccessError, "Only the case managers"):
            Template.create(
                {"name": "Mine", "model_id": model, "crm_case_canned_reply": True}
            )
        with self.assertRaises(AccessError):
            self.shared_reply.with_user(self.case_user).write({"name": "Changed"})
        with self.assertRaises(AccessError):
            self.shared_reply.with_user(self.case_user).unlink()
        # Nor may a user turn his own template of another model into one.
        own = Template.create(
            {
                "name": "Partner mail",
                "model_id": self.env.ref("base.model_res_partner").id,
            }
        )
        with self.assertRaises(AccessError):
            own.write({"model_id": model})
        self.assertEqual(self.shared_reply.name, "Shared answer")
        # A manager does, through the Configuration menu's action.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_case.mail_template_action_canned_reply"
        )
        context = ast.literal_eval(action["context"])
        with Form(
            self.env["mail.template"].with_user(self.case_manager).with_context(context)
        ) as form:
            form.name = "Closing words"
            form.body_html = "<p>Bye</p>"
        template = self.env["mail.template"].search([("name", "=", "Closing words")])
        self.assertEqual(template.model, "crm.case")
        self.assertTrue(template.crm_case_canned_reply)
        self.assertIn(
            template,
            self.env["mail.template"].search(ast.literal_eval(action["domain"])),
        )
