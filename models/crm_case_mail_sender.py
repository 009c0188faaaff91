"""Whether a mail proves its sender, and what an unproven one may do.

The parse step reads the verdict of the trusted receiving server (see
``utils/auth_results.py``) into the parsed message, as
``crm_case_sender_verdict``: verified, unverified, none (no trusted header),
or released (a manager accepted the sender of a refused mail). The route
step then applies the policy of the section the mail goes to (Off, Flag,
Strict): the message keeps the verdict, shown in the case's history.
"""

from odoo import _, api, models

from ..utils.auth_results import VERIFIED, parse_trusted_ids, sender_verdict
from ..utils.mail_source import MailRefused

# The authserv-id trusted for the mails of the pipe (mailgate, message_process).
TRUSTED_ID_PARAMETER = "crm_case.mail_trusted_authserv_id"
RELEASED = "released"


class CrmCaseMailIntake(models.AbstractModel):
    _inherit = "crm.case.mail.intake"

    @api.model
    def _get_trusted_authserv_ids(self, source):
        """The authserv-ids whose verdicts count for a source: its server's,
        or the system parameter's for the pipe."""
        if source.server:
            setting = source.server.crm_case_trusted_authserv_id
        else:
            # sudo: the gateway user may not read system parameters.
            setting = (
                self.env["ir.config_parameter"].sudo().get_param(TRUSTED_ID_PARAMETER)
            )
        return parse_trusted_ids(setting)

    @api.model
    def _get_sender_verdict(self, message, source):
        """The verdict on the sender of a parsed mail."""
        verdict = sender_verdict(
            message.get_all("Authentication-Results") or [],
            message.get_all("From") or [],
            self._get_trusted_authserv_ids(source),
        )
        if source.sender_accepted and verdict != VERIFIED:
            return RELEASED
        return verdict

    def _get_route_section(self, route):
        """The section whose policy applies to a routed mail."""
        # sudo: the gateway user may not read every case and section.
        if route.thread_id:
            return self.env["crm.case"].sudo().browse(route.thread_id).section_id
        section_id = (route.custom_values or {}).get("section_id")
        return self.env["crm.case.section"].sudo().browse(section_id).exists()

    def _check_sender_policy(self, msg_dict, route):
        """Refuse an unproven mail meant for a section of policy Strict.

        :raise MailRefused: kept in Failed Incoming Mails, to be released
        """
        section = self._get_route_section(route)
        if not section or section._gateway_trusts_sender(msg_dict):
            return
        if section._get_gateway_sender_policy() != "strict":
            return
        raise MailRefused(
            _(
                "The sender %(sender)s is not verified (no trusted "
                "Authentication-Results header proves it) and the section "
                "%(section)s accepts verified senders only (Unverified Senders: "
                "Strict). A case manager may release the mail.",
                sender=msg_dict.get("email_from") or "?",
                section=section.complete_name,
            )
        )
