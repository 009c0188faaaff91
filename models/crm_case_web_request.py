from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Submissions of the public form counted by the flood limit.
DEFAULT_HOURLY_LIMIT = 5
# How long submissions are kept: longer than the one hour the limit looks back.
KEEP_DAYS = 1


class CrmCaseWebRequest(models.Model):
    _name = "crm.case.web.request"
    _description = "Public Case Request"
    _order = "id desc"

    email = fields.Char(required=True, index=True, readonly=True)
    ip_address = fields.Char(string="IP Address", index=True, readonly=True)
    case_id = fields.Many2one(
        "crm.case", string="Case", index=True, ondelete="set null", readonly=True
    )

    @api.model
    def _get_hourly_limit(self):
        """Submissions allowed per email address and per client IP per hour."""
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("crm_case.public_form_hourly_limit")
        )
        try:
            return int(value) if value else DEFAULT_HOURLY_LIMIT
        except ValueError:
            return DEFAULT_HOURLY_LIMIT

    @api.model
    def _check_flood(self, email, ip_address):
        """Refuse a submission when its email or its IP sent too many this hour.

        :raise UserError: the limit is reached
        """
        limit = self._get_hourly_limit()
        since = fields.Datetime.now() - timedelta(hours=1)
        for field, value in (("email", email), ("ip_address", ip_address)):
            if not value:
                continue
            count = self.search_count(
                [(field, "=", value), ("create_date", ">=", since)], limit=limit
            )
            if count >= limit:
                raise UserError(
                    _(
                        "Too many requests were sent from this address in the "
                        "last hour (at most %(limit)s). Please try again later.",
                        limit=limit,
                    )
                )
        return True

    @api.autovacuum
    def _gc_old_requests(self):
        """Forget the submissions the limit no longer counts."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.search([("create_date", "<", limit)]).unlink()
