import re

from odoo.tests import HttpCase

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import CrmCaseCommon

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class CrmCasePortalCommon(HttpCase, CrmCaseCommon):
    """A customer company with a portal user, another customer, their cases."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.section_level1.portal_available = True
        cls.portal_user = mail_new_test_user(
            cls.env,
            login="portal_carla",
            name="Portal Carla",
            email="portal.carla@customer.example.com",
            groups="base.group_portal",
        )
        cls.portal_partner = cls.portal_user.partner_id
        cls.portal_partner.parent_id = cls.customer_company
        cls.other_company = cls.env["res.partner"].create(
            {"name": "Other Customer", "is_company": True, "email": "x@other.example"}
        )
        cls.other_portal_user = mail_new_test_user(
            cls.env,
            login="portal_oscar",
            name="Portal Oscar",
            email="oscar@other.example",
            groups="base.group_portal",
        )
        cls.other_portal_user.partner_id.parent_id = cls.other_company
        Case = cls.env["crm.case"]
        cls.own_case = Case.create(
            {
                "name": "Printer jams",
                "section_id": cls.section_level1.id,
                "partner_id": cls.customer_company.id,
                "partner_address_id": cls.customer_contact.id,
                "user_id": cls.case_user.id,
            }
        )
        cls.other_case = Case.create(
            {
                "name": "Secret merger",
                "section_id": cls.section_level1.id,
                "partner_id": cls.other_company.id,
                "user_id": cls.case_user.id,
            }
        )

    def _csrf_token(self, url):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        return CSRF_RE.search(response.text).group(1)
