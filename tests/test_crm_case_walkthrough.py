from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .screenshot_common import ScreenshotTourMixin


@tagged("post_install", "-at_install", "crm_case", "crm_case_walkthrough")
class TestCrmCaseWalkthrough(ScreenshotTourMixin, HttpCase):
    """The README's walk-through in the browser: the book's sections, categories,
    a two-level support case and a rule, in a company of their own so that
    nothing else shows on the pictures."""

    # Wide enough for the chatter to sit beside the case.
    browser_size = "1600x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        AliasDomain = cls.env["mail.alias.domain"]
        alias_domain = AliasDomain.search([("name", "=", "example.com")])
        alias_domain = alias_domain or AliasDomain.create({"name": "example.com"})
        cls.company = cls.env["res.company"].create(
            {"name": "Walk-through Company", "alias_domain_id": alias_domain.id}
        )
        cls.manager = cls._create_user("walk_manager", "Alice Manager", "manager")
        cls.agent = cls._create_user("walk_agent", "Bob Support", "user")
        cls.expert = cls._create_user("walk_expert", "Eve Expert", "user")
        cls._create_sections()
        cls._create_cases()
        cls.rule = cls.env["crm.case.rule"].create(
            {
                "name": "Copy to an expert after 2 days",
                "company_id": cls.company.id,
                "trg_state_from": "open",
                "trg_state_to": "open",
                "trg_user_id": cls.agent.id,
                "trg_date_type": "create",
                "trg_date_range": 2,
                "trg_date_range_type": "day",
                "act_email_cc": "expert@example.com",
                "act_remind_user": True,
            }
        )

    @classmethod
    def _create_user(cls, login, name, role):
        return mail_new_test_user(
            cls.env,
            login=login,
            name=name,
            email=f"{login}@example.com",
            tz="UTC",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
            groups=f"base.group_user,crm_case.group_crm_case_{role}",
        )

    @classmethod
    def _create_sections(cls):
        Section = cls.env["crm.case.section"].with_company(cls.company)
        cls.sales = Section.create({"name": "Sales", "user_id": cls.manager.id})
        cls.level2 = Section.create(
            {"name": "Support Level 2", "user_id": cls.expert.id}
        )
        cls.level1 = Section.create(
            {
                "name": "Support Level 1",
                "parent_id": cls.level2.id,
                "user_id": cls.agent.id,
                "alias_name": "support",
                "member_ids": [Command.set(cls.agent.ids)],
            }
        )
        cls.quality = Section.create({"name": "Quality", "user_id": cls.manager.id})
        categories = {
            cls.sales: [
                "Installation Requests",
                "Potential Distributor",
                "Interest in Training",
            ],
            cls.level1: ["Fault Fix", "Functional Problem"],
            cls.quality: ["Corrective Actions", "Preventative Actions"],
        }
        cls.env["crm.case.categ"].create(
            [
                {"name": name, "section_id": section.id}
                for section, names in categories.items()
                for name in names
            ]
        )

    @classmethod
    def _create_cases(cls):
        Partner = cls.env["res.partner"]
        customer = Partner.create(
            {
                "name": "Lumen Printing",
                "is_company": True,
                "email": "it@lumen.example.com",
            }
        )
        supplier = Partner.create(
            {
                "name": "Northwind Boxes",
                "is_company": True,
                "email": "qa@northwind.example.com",
            }
        )
        now = fields.Datetime.now()
        fault = cls.level1.categ_ids.filtered(lambda categ: categ.name == "Fault Fix")
        Case = cls.env["crm.case"].with_user(cls.manager)
        cases = Case.create(
            [
                {
                    "name": "Printer does not start",
                    "section_id": cls.level1.id,
                    "categ_id": fault.id,
                    "partner_id": customer.id,
                    "user_id": cls.agent.id,
                    "priority": "2",
                    "date_deadline": now + timedelta(days=2),
                },
                {
                    "name": "Invoice layout is cut",
                    "section_id": cls.level1.id,
                    "partner_id": customer.id,
                    "user_id": cls.agent.id,
                },
                {"name": "Training for ten people", "section_id": cls.sales.id},
                {
                    "name": "Distributor in Belgium",
                    "section_id": cls.sales.id,
                    "user_id": cls.manager.id,
                },
                {
                    "name": "Damaged boxes in the last delivery",
                    "section_id": cls.quality.id,
                    "partner_id": supplier.id,
                    "user_id": cls.manager.id,
                    "date_deadline": now - timedelta(days=1),
                },
            ]
        )
        (cases[0:2] | cases[3:5]).action_open()
        cases[1].action_pending()
        cls.printer_case = cases[0]

    def test_walkthrough_tour(self):
        shots, patcher = self._capture_screenshots()
        with patcher:
            self.start_tour("/odoo", "crm_case_walkthrough_tour", login="walk_manager")
        case = self.printer_case
        self.assertEqual(case.section_id, self.level2)
        self.assertEqual(case.user_id, self.expert)
        self.assertTrue(
            case.message_ids.filtered(lambda m: "Restarted the print spooler" in m.body)
        )
        self._check_screenshots(
            shots, ["cases_by_section", "case_form", "rule_form", "section_form"]
        )
