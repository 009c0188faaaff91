import hashlib
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

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

        The email and the IP stay locked until the end of the transaction, so
        that concurrent submissions are counted one after the other: record
        the submission in the same transaction.

        :raise UserError: the limit is reached
        """
        keys = [
            (field, value)
            for field, value in (("email", email), ("ip_address", ip_address))
            if value
        ]
        self._lock_flood_keys(keys)
        limit = self._get_hourly_limit()
        since = fields.Datetime.now() - timedelta(hours=1)
        # The snapshot of this transaction predates the lock: a submission
        # committed while this one waited is only seen by a new transaction.
        with self.env.registry.cursor() as count_cr:
            flooded = any(
                self._count_recent(count_cr, field, value, since, limit) >= limit
                for field, value in keys
            )
        if flooded:
            raise UserError(
                _(
                    "Too many requests were sent from this address in the "
                    "last hour (at most %(limit)s). Please try again later.",
                    limit=limit,
                )
            )
        return True

    @api.model
    def _count_recent(self, cr, field, value, since, limit):
        """Submissions of ``value`` since ``since`` (at most ``limit``), as
        committed now: read with ``cr``, a cursor of another transaction."""
        # Plain SQL: the records of another cursor, without its environment.
        cr.execute(
            SQL(
                """SELECT COUNT(*) FROM (
                       SELECT 1 FROM %s WHERE %s = %s AND create_date >= %s LIMIT %s
                   ) AS recent""",
                SQL.identifier(self._table),
                SQL.identifier(field),
                value,
                since,
                limit,
            )
        )
        return cr.fetchone()[0]

    @api.model
    def _lock_flood_keys(self, keys):
        """Wait for the other transactions counting the same email or IP."""
        # Always in the same order: two submissions sharing both keys cannot
        # deadlock.
        lock_ids = sorted(
            int.from_bytes(
                hashlib.sha256(
                    f"crm_case_web_request {field} {value}".encode()
                ).digest()[:8],
                "big",
                signed=True,
            )
            for field, value in keys
        )
        for lock_id in lock_ids:
            self.env.cr.execute(SQL("SELECT pg_advisory_xact_lock(%s)", lock_id))

    @api.autovacuum
    def _gc_old_requests(self):
        """Forget the submissions the limit no longer counts."""
        limit = fields.Datetime.now() - timedelta(days=KEEP_DAYS)
        self.search([("create_date", "<", limit)]).unlink()
