from odoo import fields, models


class CrmCaseSection(models.Model):
    _inherit = "crm.case.section"

    rating_on_close = fields.Boolean(
        string="Ask for a Rating on Close",
        help="When a case of this section is closed, its customer receives a mail "
        "to rate the service, with a comment; the rating is kept in the case "
        "history.",
    )
