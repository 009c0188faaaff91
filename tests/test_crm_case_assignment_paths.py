from odoo import fields
from odoo.tests import tagged

from .gateway_common import CrmCaseGatewayCommon
from .portal_common import CrmCasePortalCommon


@tagged("post_install", "-at_install", "case_assignment")
class TestCrmCaseAssignmentGateway(CrmCaseGatewayCommon):
    """A mail opening a case of an auto-assigned section gets a member."""

    def test_mail_case_is_assigned(self):
        self.section_level1.write(
            {
                "assign_method": "balanced",
                "member_ids": [
                    fields.Command.set((self.case_user | self.senior_user).ids)
                ],
            }
        )
        self._create_case(user_id=self.case_user.id)
        with self.mock_mail_gateway():
            case = self._process(subject="Assign me by mail")
        self.assertEqual(case.name, "Assign me by mail")
        self.assertEqual(case.section_id, self.section_level1)
        self.assertEqual(case.user_id, self.senior_user)

    def test_mail_case_of_a_manual_section_stays_unassigned(self):
        with self.mock_mail_gateway():
            case = self._process(subject="Nobody chooses")
        self.assertEqual(case.section_id, self.section_level1)
        self.assertFalse(case.user_id)


@tagged("post_install", "-at_install", "case_assignment")
class TestCrmCaseAssignmentPortal(CrmCasePortalCommon):
    """Requests of the portal and of the public form get a member."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        members = cls.case_user | cls.senior_user
        cls.section_level1.write(
            {
                "assign_method": "balanced",
                "member_ids": [fields.Command.set(members.ids)],
            }
        )
        cls.section_public = cls.env["crm.case.section"].create(
            {
                "name": "Web Requests",
                "code": "web",
                "portal_public": True,
                "assign_method": "round_robin",
                "member_ids": [fields.Command.set(members.ids)],
            }
        )

    def test_portal_request_is_assigned(self):
        # case_user holds the two cases of the portal fixtures.
        self.authenticate("portal_carla", "portal_carla")
        token = self._csrf_token("/my/cases/new")
        response = self.url_open(
            "/my/cases/new",
            data={
                "csrf_token": token,
                "section_id": self.section_level1.id,
                "subject": "Assign my portal request",
                "description": "Please.",
            },
        )
        self.assertEqual(response.status_code, 200)
        case = self.env["crm.case"].search([("name", "=", "Assign my portal request")])
        self.assertEqual(len(case), 1)
        self.assertEqual(case.user_id, self.senior_user)

    def test_public_request_is_assigned(self):
        names = ("First web request", "Second web request")
        for name in names:
            token = self._csrf_token("/cases/new")
            response = self.url_open(
                "/cases/new",
                data={
                    "csrf_token": token,
                    "section_id": self.section_public.id,
                    "name": "Wendy Web",
                    "email": "wendy@web.example.org",
                    "subject": name,
                    "description": "Where is my parcel?",
                },
            )
            self.assertEqual(response.status_code, 200)
        cases = self.env["crm.case"].search([("name", "in", names)], order="id")
        self.assertEqual(cases.mapped("name"), list(names))
        # Round robin: the members in turn.
        self.assertEqual(cases[0].user_id, self.case_user)
        self.assertEqual(cases[1].user_id, self.senior_user)
