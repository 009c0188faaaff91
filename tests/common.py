from odoo.tests import TransactionCase

from odoo.addons.mail.tests.common import MailCase, mail_new_test_user


def internal_user(env, login, *groups, **values):
    """A test user of ``groups`` besides base.group_user; name and address
    come from ``login`` unless ``values`` give them."""
    values.setdefault("name", login.replace("_", " ").title())
    values.setdefault("email", f"{login}@example.com")
    groups = ",".join(("base.group_user", *groups))
    return mail_new_test_user(env, login=login, groups=groups, **values)


def read_groups_by_key(Report, domain, measures, groupbys):
    """The groups the web client's pivot gets from ``Report``, by the tuple of
    their group-by values (ids for relations, the first day for a month)."""

    def key_of(group, groupby):
        if groupby == "date:month":
            return group["__range"]["date:month"]["from"][:10]
        value = group[groupby]
        return value[0] if isinstance(value, tuple) else value

    groups = Report.read_group(domain, measures, groupbys, lazy=False)
    return {
        tuple(key_of(group, groupby) for groupby in groupbys): group for group in groups
    }


class CrmCaseCommon(TransactionCase, MailCase):
    """Sections, categories and users with the lowest rights each test needs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=False))
        cls.company = cls.env.company
        cls.case_manager = mail_new_test_user(
            cls.env,
            login="case_manager",
            name="Case Manager",
            email="case.manager@example.com",
            groups="base.group_user,crm_case.group_crm_case_manager",
        )
        cls.case_user = mail_new_test_user(
            cls.env,
            login="case_user",
            name="Case User",
            email="case.user@example.com",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.senior_user = mail_new_test_user(
            cls.env,
            login="senior_user",
            name="Senior User",
            email="senior.user@example.com",
            groups="base.group_user,crm_case.group_crm_case_user",
        )
        cls.internal_user = mail_new_test_user(
            cls.env,
            login="internal_user",
            name="Internal User",
            email="internal.user@example.com",
            groups="base.group_user",
        )
        Section = cls.env["crm.case.section"]
        cls.section_level2 = Section.create(
            {"name": "Level 2", "code": "l2", "user_id": cls.senior_user.id}
        )
        cls.section_level1 = Section.create(
            {
                "name": "Level 1",
                "code": "l1",
                "parent_id": cls.section_level2.id,
                "user_id": cls.case_user.id,
                "reply_to": "level1@example.com",
            }
        )
        cls.section_sales = Section.create({"name": "Sales Test", "code": "st"})
        cls.categ_fault = cls.env["crm.case.categ"].create(
            {"name": "Fault", "section_id": cls.section_level1.id, "probability": 40}
        )
        cls.categ_sales = cls.env["crm.case.categ"].create(
            {"name": "Distributor", "section_id": cls.section_sales.id}
        )
        cls.customer_company = cls.env["res.partner"].create(
            {
                "name": "Customer Company",
                "is_company": True,
                "email": "info@customer.example.com",
            }
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {
                "name": "Carla Contact",
                "parent_id": cls.customer_company.id,
                "type": "contact",
                "email": "carla@customer.example.com",
            }
        )

    def _create_case(self, **values):
        values.setdefault("name", "Printer broken")
        values.setdefault("section_id", self.section_level1.id)
        return self.env["crm.case"].with_user(self.case_user).create(values)
