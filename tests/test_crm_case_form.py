from odoo.tests import Form, tagged

from .common import CrmCaseCommon


@tagged("crm_case")
class TestCrmCaseForm(CrmCaseCommon):
    def _form(self):
        return Form(self.env["crm.case"].with_user(self.case_user))

    def test_partner_fills_contact_then_email(self):
        with self._form() as form:
            form.name = "Invoice question"
            form.section_id = self.section_level1
            form.partner_id = self.customer_company
            self.assertEqual(form.partner_address_id, self.customer_contact)
            self.assertEqual(form.email_from, "carla@customer.example.com")
        self.assertEqual(form.record.partner_address_id, self.customer_contact)

    def test_person_partner_is_its_own_contact(self):
        person = self.env["res.partner"].create(
            {"name": "Paul Person", "email": "paul@example.com"}
        )
        with self._form() as form:
            form.name = "Question"
            form.section_id = self.section_level1
            form.partner_id = person
            self.assertEqual(form.partner_address_id, person)
            self.assertEqual(form.email_from, "paul@example.com")

    def test_contact_and_email_can_be_overridden(self):
        other_contact = self.env["res.partner"].create(
            {
                "name": "Oscar Other",
                "parent_id": self.customer_company.id,
                "email": "oscar@customer.example.com",
            }
        )
        with self._form() as form:
            form.name = "Question"
            form.section_id = self.section_level1
            form.partner_id = self.customer_company
            form.partner_address_id = other_contact
            self.assertEqual(form.email_from, "oscar@customer.example.com")
            form.email_from = "typed@customer.example.com"
        self.assertEqual(form.record.email_from, "typed@customer.example.com")
        self.assertEqual(form.record.partner_address_id, other_contact)

    def test_contact_without_email_falls_back_to_partner(self):
        self.customer_contact.email = False
        with self._form() as form:
            form.name = "Question"
            form.section_id = self.section_level1
            form.partner_id = self.customer_company
            self.assertEqual(form.email_from, "info@customer.example.com")

    def test_category_probability_and_section_default(self):
        form = Form(
            self.env["crm.case"]
            .with_user(self.case_user)
            .with_context(default_section_id=self.section_level1.id)
        )
        self.assertEqual(form.section_id, self.section_level1)
        form.name = "Fault"
        form.categ_id = self.categ_fault
        self.assertEqual(form.probability, 40)
        case = form.save()
        self.assertEqual(case.categ_id, self.categ_fault)
