import re
import socket
import subprocess
import tempfile
from datetime import datetime

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

CASE_REPORT = "crm_case.crm_case_report_action_case"
SUMMARY_REPORT = "crm_case.crm_case_report_action_summary"


@tagged("crm_case", "crm_case_report", "post_install", "-at_install")
class TestCrmCaseReportPdf(TransactionCase):
    """Both printable reports, rendered by wkhtmltopdf and read back as text."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.case_user = mail_new_test_user(
            cls.env,
            login="pdf_case_user",
            name="Paula",
            email="paula@example.com",
            tz="UTC",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.internal_user = mail_new_test_user(
            cls.env,
            login="pdf_internal",
            name="Ivan Internal",
            groups="base.group_user",
        )
        cls.section = cls.env["crm.case.section"].create(
            {"name": "Helpdesk", "user_id": cls.case_user.id}
        )
        cls.other_section = cls.env["crm.case.section"].create({"name": "Quotes"})
        cls.partner = cls.env["res.partner"].create(
            {"name": "Quill Industries", "is_company": True}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Rita Reader",
                "parent_id": cls.partner.id,
                "email": "rita@quill.example.com",
            }
        )
        Case = cls.env["crm.case"].with_user(cls.case_user)
        cls.case = Case.create(
            {
                "name": "Toner smears pages",
                "section_id": cls.section.id,
                "partner_id": cls.partner.id,
                "email_cc": "watcher@quill.example.com",
                "description": "<p>Every printed page shows grey stripes.</p>",
                "date": datetime(2024, 5, 6, 9),
                "planned_revenue": 1500,
                "probability": 40,
            }
        )
        # Tracking values are written when the transaction commits, and not
        # for the transaction that created the case.
        cls.env.flush_all()
        cls.cr.flush()
        cls.case.action_open()
        cls.env.flush_all()
        cls.cr.flush()
        cls.case.action_text = "Asked for the toner batch number"
        cls.case.action_historize()
        cls.case.message_post(
            body="Customer confirmed the batch", message_type="comment"
        )
        cls.other_case = Case.create(
            {
                "name": "Quote for paper",
                "section_id": cls.other_section.id,
                "date": datetime(2024, 6, 3, 9),
                "planned_revenue": 800,
                "probability": 50,
            }
        )
        cls.env.flush_all()

    def setUp(self):
        super().setUp()
        # Debian's wkhtmltopdf (unpatched Qt) draws the report's web fonts as
        # outlines, which pdftotext cannot read: point it at a closed loopback
        # port, so that it renders the same HTML with the system fonts.
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", f"http://127.0.0.1:{port}"
        )

    def _pdf_text(self, report, res_ids, user):
        content, report_type = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, res_ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(content.startswith(b"%PDF"))
        with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
            pdf.write(content)
            pdf.flush()
            text = subprocess.run(
                ["pdftotext", "-layout", pdf.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        return re.sub(r"\s+", " ", text)

    def test_case_pdf(self):
        text = self._pdf_text(CASE_REPORT, self.case.ids, self.case_user)
        self.assertIn(f"Case [{self.case.id}] Toner smears pages", text)
        self.assertIn("Quill Industries", text)
        self.assertIn("Rita Reader", text)
        self.assertIn("watcher@quill.example.com", text)
        self.assertIn("Every printed page shows grey stripes.", text)
        # The history: the internal note, the comment and the state change.
        self.assertIn("Asked for the toner batch number", text)
        self.assertIn("Customer confirmed the batch", text)
        self.assertIn("Status: Draft → Open", text)
        self.assertIn("Responsible Paula", text)

    def test_summary_pdf(self):
        rows = self.env["crm.case.report"].search(
            [("case_id", "in", (self.case + self.other_case).ids)]
        )
        text = self._pdf_text(SUMMARY_REPORT, rows.ids, self.case_user)
        self.assertIn("Cases by User and Section", text)
        # User, section, cases, no closed case (no delay), revenue, cost,
        # weighted revenue, escalations, rule firings.
        self.assertRegex(
            text, r"Paula Helpdesk 1 \S* ?1,500\.00 \S* ?0\.00 \S* ?600\.00 0 0"
        )
        self.assertRegex(
            text, r"Paula Quotes 1 \S* ?800\.00 \S* ?0\.00 \S* ?400\.00 0 0"
        )
        self.assertRegex(text, r"Total 2 \S* ?2,300\.00 \S* ?0\.00 \S* ?1,000\.00 0 0")

    def test_internal_user_cannot_print(self):
        Report = (
            self.env["ir.actions.report"]
            .with_user(self.internal_user)
            .with_context(force_report_rendering=True)
        )
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(CASE_REPORT, self.case.ids)
        with self.assertRaises(AccessError):
            Report._render_qweb_pdf(SUMMARY_REPORT, self.case.ids)
