"""Customer rating of a case: the request mailed on closing, the customer's
verdict through Odoo's rating pages, and the "rated" event of the rules."""

import logging

from odoo import fields, models

_logger = logging.getLogger(__name__)


class CrmCase(models.Model):
    _name = "crm.case"
    _inherit = ["crm.case", "rating.mixin"]

    rating_last_comment = fields.Text(
        string="Rating Comment",
        compute="_compute_rating_last_comment",
        groups="base.group_user",
        help="The comment of the customer's last rating.",
    )

    def _compute_rating_last_comment(self):
        # Not Odoo's rating_last_feedback: that one reads the newest rating,
        # which is the unanswered request once a reopened case is closed again.
        for case in self:
            case.rating_last_comment = case._get_portal_rating().feedback

    # ------------------------------------------------------------
    # Rating configuration
    # ------------------------------------------------------------

    def _rating_get_partner(self):
        """The contact who asked rates the case, else its partner."""
        return self.partner_address_id or super()._rating_get_partner()

    # ------------------------------------------------------------
    # Events
    # ------------------------------------------------------------

    def _fire_case_event(self, event, previous_states):
        res = super()._fire_case_event(event, previous_states)
        if event == "done":
            # After the rules: a case a rule reopened at once is not rated.
            self._send_rating_requests()
        return res

    def _get_rating_request_cases(self):
        """The closed cases whose section asks their customer for a rating."""
        return self.filtered(
            lambda case: case.state == "done"
            and case.section_id.rating_on_close
            and case._rating_get_partner().email
        )

    def _send_rating_requests(self):
        cases = self._get_rating_request_cases()
        if not cases:
            return
        template = self.env.ref(
            "crm_case.mail_template_case_rating_request", raise_if_not_found=False
        )
        if not template:
            _logger.warning("Case rating: the rating request template was deleted.")
            return
        for case in cases:
            # Queued, not sent within the closing transaction.
            case.rating_send_request(template, force_send=False)

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """Fire the "rated" rules when the customer gives or changes a score,
        not when only the comment of the same score is sent."""
        previous = {
            known.id: (known.consumed, known.rating) for known in self.sudo().rating_ids
        }
        applied = super().rating_apply(
            rate,
            token=token,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        if previous.get(applied.id) != (True, applied.rating):
            for case in self:
                case._fire_case_event("rated", {case.id: case.state})
        return applied

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    def _get_portal_rating(self):
        """The customer's last rating of the case, shown on its portal page.

        :return: a rating.rating with sudo rights (the portal page reads it for
            the customer, who may read no rating), or an empty recordset
        """
        self.ensure_one()
        return (
            self.env["rating.rating"]
            .sudo()
            .search(self._rating_domain() + [("rating", ">", 0)], limit=1)
        )

    def _is_portal_reply(self, message):
        # A customer rating a closed case does not answer it: the case stays
        # closed unless a "rated" rule reopens it.
        return super()._is_portal_reply(message) and not message.sudo().rating_ids
