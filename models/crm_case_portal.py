"""A case seen and requested from the portal and the public form."""

from odoo import SUPERUSER_ID, _, api, models
from odoo.exceptions import UserError
from odoo.tools import (
    email_normalize,
    formataddr,
    plaintext2html,
)

from .crm_case import GATEWAY_NAME_SIZE


class CrmCase(models.Model):
    _inherit = "crm.case"

    # ------------------------------------------------------------
    # Portal
    # ------------------------------------------------------------

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/cases/{case.id}"
        return res

    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if self._is_portal_reply(message):
            # A customer may not write on its case: its answer moves the case
            # with the gateway's rights, as the same answer by mail would.
            self.with_user(SUPERUSER_ID)._gateway_apply_partner_reply()
        return message

    def _is_portal_reply(self, message):
        """Whether a posted message is a portal user's answer to the case."""
        return (
            len(self) == 1
            and message.message_type == "comment"
            and self.env.user._is_portal()
        )

    @api.model
    def _get_portal_case_domain(self, partner):
        """The cases of a partner's company: the portal rule's domain."""
        commercial = partner.commercial_partner_id
        return [
            "|",
            ("partner_id", "child_of", commercial.id),
            ("partner_address_id", "child_of", commercial.id),
        ]

    @api.model
    def _check_request_section(self, section, categ, public=False):
        """Refuse a request in a section not offered to its sender."""
        if section not in self.env["crm.case.section"]._get_portal_sections(public):
            raise UserError(_("Choose one of the sections offered for requests."))
        if categ and categ.section_id != section:
            raise UserError(
                _(
                    "The category %(categ)s does not belong to the section "
                    "%(section)s.",
                    categ=categ.name,
                    section=section.complete_name,
                )
            )

    @api.model
    def _portal_create_request(
        self, section, subject, description, categ=None, attachments=None
    ):
        """Open a case for the portal user, as the gateway does for a mail.

        :param attachments: list of (file name, content) to attach
        :return: the new case, with sudo rights
        """
        categ = categ or self.env["crm.case.categ"]
        self._check_request_section(section, categ)
        partner = self.env.user.partner_id
        # sudo: portal users may not create cases; this is their one way in.
        case = self.sudo().create(
            {
                "name": subject[:GATEWAY_NAME_SIZE],
                "description": plaintext2html(description) if description else False,
                "section_id": section.id,
                "categ_id": categ.id,
                "partner_id": partner.commercial_partner_id.id,
                "partner_address_id": partner.id,
                "email_from": partner.email_formatted or False,
                "user_id": False,
            }
        )
        case.message_subscribe(partner_ids=partner.ids)
        if attachments:
            # As the superuser, in the customer's name: the files belong to the
            # request itself, not to an answer that would reopen the case.
            case.with_user(SUPERUSER_ID).message_post(
                body=_("Files sent with the request."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=attachments,
            )
        case._gateway_send_acknowledgement()
        return case

    @api.model
    def _public_create_request(self, section, name, email, subject, description):
        """Open a case from the public form and acknowledge it to the sender.

        :return: the new case, with sudo rights
        """
        self._check_request_section(section, None, public=True)
        if not email_normalize(email or ""):
            raise UserError(_("Enter a valid email address."))
        msg_dict = {
            "subject": subject,
            "body": plaintext2html(description or ""),
            "email_from": formataddr((name or "", email)),
        }
        # sudo: the visitor has no rights; the values are built as for a mail.
        values = self.sudo()._prepare_gateway_case_values(msg_dict)
        values["section_id"] = section.id
        case = self.sudo().create(values)
        case._send_acknowledgement()
        return case
