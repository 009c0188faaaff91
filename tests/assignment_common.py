from datetime import timedelta

from odoo import fields

from .common import CrmCaseCommon, internal_user


class CrmCaseAssignmentCommon(CrmCaseCommon):
    """A section of three members that assigns its new cases itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_a, cls.member_b, cls.member_c = (
            internal_user(cls.env, login, "crm_case.group_crm_case_user")
            for login in ("member_anna", "member_bert", "member_cleo")
        )
        cls.members = cls.member_a | cls.member_b | cls.member_c
        cls.section_auto = cls.env["crm.case.section"].create(
            {
                "name": "Auto Desk",
                "code": "auto",
                "user_id": cls.case_manager.id,
                "member_ids": [fields.Command.set(cls.members.ids)],
                "assign_method": "balanced",
            }
        )

    def _open_cases(self, user, count, section=None, state="open"):
        """Give ``user`` ``count`` cases of the section that count as load."""
        self.env["crm.case"].create(
            [
                {
                    "name": f"Load of {user.name} {index}",
                    "section_id": (section or self.section_auto).id,
                    "user_id": user.id,
                }
                for index in range(count)
            ]
        ).write({"state": state})

    def _new_cases(self, count, user=None, **values):
        """Cases created without a responsible, as ``user`` (a case user)."""
        values.setdefault("section_id", self.section_auto.id)
        return (
            self.env["crm.case"]
            .with_user(user or self.case_user)
            .create([{"name": f"New {index}", **values} for index in range(count)])
        )

    def _put_on_leave(self, user, hours_before=1, hours_after=1):
        """A time off of the user's resource around now."""
        resource = self.env["resource.resource"].create(
            {"name": user.name, "user_id": user.id}
        )
        now = fields.Datetime.now()
        return self.env["resource.calendar.leaves"].create(
            {
                "name": f"Time off of {user.name}",
                "resource_id": resource.id,
                "date_from": now - timedelta(hours=hours_before),
                "date_to": now + timedelta(hours=hours_after),
            }
        )
