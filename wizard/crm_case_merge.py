from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class CrmCaseMerge(models.TransientModel):
    _name = "crm.case.merge"
    _description = "Merge Cases"

    case_ids = fields.Many2many(
        "crm.case",
        string="Cases",
        domain="[('merged_into_id', '=', False), "
        "('company_id', 'in', [company_id, False])]",
    )
    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
    target_id = fields.Many2one(
        "crm.case",
        string="Merge Into",
        compute="_compute_target_id",
        store=True,
        readonly=False,
        domain="[('id', 'in', case_ids)]",
        help="The case that goes on; the others are cancelled, pointing to it. "
        "The oldest is proposed.",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "crm.case" and context.get("active_ids"):
            cases = self.env["crm.case"].browse(context["active_ids"])
            if "case_ids" in fields_list:
                values["case_ids"] = [Command.set(cases.ids)]
            if "company_id" in fields_list and cases.company_id:
                values["company_id"] = cases.company_id[0].id
        return values

    @api.depends("case_ids")
    def _compute_target_id(self):
        for wizard in self:
            # The oldest case: the first the customer opened.
            wizard.target_id = wizard.case_ids.sorted(
                lambda case: (case.date, case._origin.id or 0)
            )[:1]

    def action_merge(self):
        self.ensure_one()
        if not self.target_id:
            raise UserError(_("Choose the case to merge the others into."))
        target = self.target_id
        self.env["crm.case.merge.log"]._merge_cases(target, self.case_ids - target)
        return {
            "type": "ir.actions.act_window",
            "res_model": "crm.case",
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
