from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import email_normalize

from .portal import _to_id


class CrmCasePublicForm(http.Controller):
    def _prepare_public_form_values(self, **form):
        return {
            "sections": request.env["crm.case.section"]._get_portal_sections(
                public=True
            ),
            "form": form,
        }

    @http.route("/cases/new", type="http", auth="public", website=True, methods=["GET"])
    def crm_case_public_form(self, **kwargs):
        return request.render(
            "crm_case.crm_case_public_form", self._prepare_public_form_values()
        )

    @http.route(
        "/cases/new", type="http", auth="public", website=True, methods=["POST"]
    )
    def crm_case_public_submit(
        self, section_id=None, name="", email="", subject="", description="", **kw
    ):
        form = {
            "section_id": _to_id(section_id),
            "name": name,
            "email": email,
            "subject": subject,
            "description": description,
        }
        # sudo: the visitor may read nothing; the model only accepts the
        # sections marked public.
        section = request.env["crm.case.section"].sudo().browse(form["section_id"])
        email = email.strip()
        # The limit counts an address however it is written.
        counted_email = email_normalize(email) or email.lower()
        WebRequest = request.env["crm.case.web.request"].sudo()
        ip_address = request.httprequest.remote_addr
        try:
            WebRequest._check_flood(counted_email, ip_address)
        except UserError as error:
            return self._render_error(form, error, 429)
        try:
            if not (name.strip() and subject.strip()):
                raise UserError(_("Give your name and the subject of your request."))
            case = request.env["crm.case"]._public_create_request(
                section.exists(), name.strip(), email, subject.strip(), description
            )
        except UserError as error:
            return self._render_error(form, error, 400)
        WebRequest.create(
            {"email": counted_email, "ip_address": ip_address, "case_id": case.id}
        )
        return request.render(
            "crm_case.crm_case_public_form_done", {"case_id": case.id, "email": email}
        )

    def _render_error(self, form, error, status):
        values = self._prepare_public_form_values(**form)
        values["error"] = error.args[0]
        return request.render("crm_case.crm_case_public_form", values, status=status)
