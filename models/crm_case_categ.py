from odoo import fields, models


class CrmCaseCateg(models.Model):
    _name = "crm.case.categ"
    _description = "Case Category"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(string="Category", required=True, translate=True)
    section_id = fields.Many2one(
        "crm.case.section",
        string="Case Section",
        index=True,
        ondelete="cascade",
        check_company=True,
        help="The section whose cases may use this category; empty for all sections.",
    )
    company_id = fields.Many2one(
        related="section_id.company_id", store=True, index=True
    )
    probability = fields.Float(
        string="Probability (%)",
        help="Copied to a case when it is given this category.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
