from odoo import _, fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    _inherit = "res.partner"

    crm_case_count = fields.Integer(
        compute="_compute_crm_case_count",
        string="Cases",
        groups="crm_case.group_crm_case_user",
    )

    def _compute_crm_case_count(self):
        """Count the cases of each partner and of its contacts."""
        all_partners = self.with_context(active_test=False).search_fetch(
            [("id", "child_of", self.ids)], ["parent_id"]
        )
        groups = self.env["crm.case"]._read_group(
            [("partner_id", "in", all_partners.ids)], ["partner_id"], ["__count"]
        )
        self.crm_case_count = 0
        for partner, count in groups:
            while partner:
                if partner in self:
                    partner.crm_case_count += count
                partner = partner.parent_id

    def _get_case_contact(self):
        """The contact a case with this partner is addressed to: for a company,
        its first contact person, else the partner itself."""
        if not self:
            return self
        self.ensure_one()
        if self.is_company:
            contacts = self.child_ids.filtered(lambda child: child.type == "contact")
            return contacts[:1] or self
        return self

    def action_view_crm_cases(self):
        self.ensure_one()
        # The button is callable over RPC by any partner reader: refuse the
        # users who may not read cases, as the form hides it from them, and
        # portal users, who read their own cases on the portal only.
        self.env["crm.case"].check_access("read")
        if self.env.user.share:
            raise AccessError(_("Only employees may open the cases of a partner."))
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_case.crm_case_action"
        )
        action.update(
            domain=[("partner_id", "child_of", self.id)],
            context={"default_partner_id": self.id},
        )
        return action
