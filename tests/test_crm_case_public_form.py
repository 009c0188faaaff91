from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .portal_common import CrmCasePortalCommon


@tagged("post_install", "-at_install", "case_portal")
class TestCrmCasePublicForm(CrmCasePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.section_public = cls.env["crm.case.section"].create(
            {"name": "Web Requests", "code": "web", "portal_public": True}
        )
        cls.env["ir.config_parameter"].set_param(
            "crm_case.public_form_hourly_limit", "3"
        )

    def _submit(self, **values):
        token = self._csrf_token("/cases/new")
        data = {
            "csrf_token": token,
            "section_id": self.section_public.id,
            "name": "Wendy Web",
            "email": "wendy@web.example.org",
            "subject": "Where is my parcel?",
            "description": "Ordered last week.",
            **values,
        }
        return self.url_open("/cases/new", data=data)

    def _cases(self, subject="Where is my parcel?"):
        return self.env["crm.case"].search([("name", "=", subject)])

    def test_form_offers_public_sections_only(self):
        response = self.url_open("/cases/new")
        self.assertEqual(response.status_code, 200)
        self.assertIn(f'value="{self.section_public.id}"', response.text)
        self.assertNotIn(f'value="{self.section_level1.id}"', response.text)
        self.assertIn('name="description"', response.text)

    def test_new_case_with_unknown_email(self):
        response = self._submit()
        self.assertEqual(response.status_code, 200)
        case = self._cases()
        self.assertEqual(len(case), 1)
        self.assertIn(f"[{case.id}]", response.text)
        self.assertEqual(case.section_id, self.section_public)
        self.assertFalse(case.partner_id)
        self.assertIn("wendy@web.example.org", case.email_from)
        self.assertEqual(case.state, "draft")
        self.assertFalse(case.user_id)
        self.assertIn("Ordered last week.", case.description)
        ack = self.env["mail.mail"].search(
            [("model", "=", "crm.case"), ("res_id", "=", case.id)]
        )
        self.assertEqual(len(ack), 1)
        self.assertTrue(ack.subject.startswith(f"[{case.id}] "))
        self.assertIn("wendy@web.example.org", ack.email_to)
        self.assertIn("Auto-Submitted", ack.headers)

    def test_new_case_matches_existing_partner(self):
        self._submit(email="Carla@Customer.example.com")
        case = self._cases()
        self.assertEqual(case.partner_id, self.customer_company)
        self.assertEqual(case.partner_address_id, self.customer_contact)

    def test_new_case_runs_creation_rules(self):
        self.env["crm.case.rule"].create(
            {"name": "Web first", "trg_state_from": "none", "act_priority": "2"}
        )
        self._submit()
        self.assertEqual(self._cases().priority, "2")

    def test_refused_values(self):
        self.section_level1.portal_available = True
        for values in (
            {"section_id": self.section_level1.id},
            {"section_id": "abc"},
            {"email": "not-an-email"},
            {"name": ""},
            {"subject": " "},
        ):
            with self.subTest(values=values):
                response = self._submit(**values)
                self.assertEqual(response.status_code, 400)
                self.assertIn("o_crm_case_error", response.text)
        self.assertFalse(self._cases())
        self.assertFalse(self.env["crm.case.web.request"].search([]))

    @mute_logger("odoo.http")
    def test_post_without_csrf_token_refused(self):
        self.url_open("/cases/new")
        response = self.url_open(
            "/cases/new",
            data={
                "section_id": self.section_public.id,
                "name": "Bot",
                "email": "bot@web.example.org",
                "subject": "Where is my parcel?",
            },
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self._cases())

    def test_flood_limit_per_email(self):
        # Requests of the same address from elsewhere count too.
        WebRequest = self.env["crm.case.web.request"]
        for _index in range(3):
            WebRequest.create(
                {"email": "wendy@web.example.org", "ip_address": "192.0.2.9"}
            )
        response = self._submit()
        self.assertEqual(response.status_code, 429)
        self.assertIn("Too many requests", response.text)
        self.assertFalse(self._cases())
        response = self._submit(email="walter@web.example.org")
        self.assertEqual(response.status_code, 200)

    def test_flood_limit_per_ip(self):
        for index in range(3):
            response = self._submit(email=f"sender{index}@web.example.org")
            self.assertEqual(response.status_code, 200)
        response = self._submit(email="fourth@web.example.org")
        self.assertEqual(response.status_code, 429)
        self.assertEqual(len(self._cases()), 3)
        self.assertEqual(
            self.env["crm.case.web.request"].search([]).mapped("ip_address"),
            ["127.0.0.1"] * 3,
        )

    def test_flood_limit_is_hourly(self):
        WebRequest = self.env["crm.case.web.request"]
        old = WebRequest.create([{"email": "w@web.example.org"}] * 3)
        self.env.cr.execute(
            "UPDATE crm_case_web_request SET create_date = %s WHERE id IN %s",
            (fields.Datetime.now() - timedelta(hours=2), tuple(old.ids)),
        )
        old.invalidate_recordset()
        self.assertTrue(WebRequest._check_flood("w@web.example.org", None))
        self.env["ir.config_parameter"].set_param(
            "crm_case.public_form_hourly_limit", "1"
        )
        recent = WebRequest.create({"email": "w@web.example.org"})
        with self.assertRaises(UserError):
            WebRequest._check_flood("w@web.example.org", None)
        with freeze_time(fields.Datetime.now() + timedelta(days=2)):
            WebRequest._gc_old_requests()
        self.assertFalse((old | recent).exists())
