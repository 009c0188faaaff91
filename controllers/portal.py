from odoo import _, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

# The largest file accepted with a request, in bytes.
MAX_FILE_SIZE = 10 * 1024 * 1024


class CrmCaseCustomerPortal(CustomerPortal):
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Case = request.env["crm.case"]
        if "crm_case_count" in counters:
            values["crm_case_count"] = (
                Case.search_count(self._get_crm_case_domain())
                if Case.has_access("read")
                else 0
            )
        if "crm_case_section_count" in counters:
            values["crm_case_section_count"] = len(
                request.env["crm.case.section"]._get_portal_sections()
            )
        return values

    def _get_crm_case_domain(self):
        return request.env["crm.case"]._get_portal_case_domain(
            request.env.user.partner_id
        )

    def _get_crm_case_searchbar_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date desc, id desc"},
            "name": {"label": _("Subject"), "order": "name, id"},
            "state": {"label": _("Status"), "order": "state, date desc"},
            "priority": {"label": _("Priority"), "order": "priority, date desc"},
        }

    def _get_crm_case_searchbar_inputs(self):
        return {
            "name": {"input": "name", "label": _("Search in Subject")},
            "section": {"input": "section", "label": _("Search in Section")},
            "id": {"input": "id", "label": _("Search by Reference")},
        }

    def _get_crm_case_search_domain(self, search_in, search):
        if search_in == "id":
            return [("id", "=", int(search) if search.isdigit() else 0)]
        if search_in == "section":
            return [("section_id.complete_name", "ilike", search)]
        return [("name", "ilike", search)]

    @http.route(
        ["/my/cases", "/my/cases/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_crm_cases(self, page=1, sortby=None, search=None, search_in="name"):
        Case = request.env["crm.case"]
        if not Case.has_access("read"):
            return request.redirect("/my")
        sortings = self._get_crm_case_searchbar_sortings()
        sortby = sortby if sortby in sortings else "date"
        inputs = self._get_crm_case_searchbar_inputs()
        search_in = search_in if search_in in inputs else "name"
        domain = self._get_crm_case_domain()
        if search:
            domain += self._get_crm_case_search_domain(search_in, search)
        pager = portal_pager(
            url="/my/cases",
            url_args={"sortby": sortby, "search": search, "search_in": search_in},
            total=Case.search_count(domain),
            page=page,
            step=self._items_per_page,
        )
        cases = Case.search(
            domain,
            order=sortings[sortby]["order"],
            limit=self._items_per_page,
            offset=pager["offset"],
        )
        request.session["my_crm_cases_history"] = cases.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                # sudo: the cases were searched with the user's rights; their
                # section names are shown, which portal users may not read.
                "cases": cases.sudo(),
                "page_name": "crm_case",
                "default_url": "/my/cases",
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                "searchbar_inputs": inputs,
                "search_in": search_in,
                "search": search,
                "can_create": bool(
                    request.env["crm.case.section"]._get_portal_sections()
                ),
            }
        )
        return request.render("crm_case.portal_my_crm_cases", values)

    @http.route(["/my/cases/<int:case_id>"], type="http", auth="public", website=True)
    def portal_my_crm_case(self, case_id, access_token=None, **kwargs):
        try:
            case_sudo = self._document_check_access("crm.case", case_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._get_page_view_values(
            case_sudo,
            access_token,
            {"case": case_sudo, "page_name": "crm_case"},
            "my_crm_cases_history",
            False,
            **kwargs,
        )
        return request.render("crm_case.portal_my_crm_case", values)

    # ------------------------------------------------------------
    # New request
    # ------------------------------------------------------------

    def _prepare_crm_case_request_values(self, **kwargs):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "crm_case_new",
                "sections": request.env["crm.case.section"]._get_portal_sections(),
                "form": kwargs,
            }
        )
        return values

    def _get_uploaded_files(self):
        """The files of the request form, as (name, content) pairs."""
        files = []
        for upload in request.httprequest.files.getlist("attachments"):
            if not upload.filename:
                continue
            content = upload.read(MAX_FILE_SIZE + 1)
            if len(content) > MAX_FILE_SIZE:
                raise UserError(
                    _(
                        "The file %(name)s is larger than %(size)s MB.",
                        name=upload.filename,
                        size=MAX_FILE_SIZE // (1024 * 1024),
                    )
                )
            files.append((upload.filename, content))
        return files

    @http.route(
        "/my/cases/new", type="http", auth="user", website=True, methods=["GET"]
    )
    def portal_crm_case_new(self, **kwargs):
        return request.render(
            "crm_case.portal_crm_case_new", self._prepare_crm_case_request_values()
        )

    @http.route(
        "/my/cases/new", type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_crm_case_submit(
        self, section_id=None, categ_id=None, subject="", description="", **kwargs
    ):
        # sudo: the sections and categories offered are read by the portal
        # user without rights on them; the model checks they are offered.
        section = request.env["crm.case.section"].sudo().browse(_to_id(section_id))
        categ = request.env["crm.case.categ"].sudo().browse(_to_id(categ_id))
        form = {
            "section_id": section.id,
            "categ_id": categ.id,
            "subject": subject,
            "description": description,
        }
        try:
            if not subject.strip():
                raise UserError(_("Give your request a subject."))
            case = request.env["crm.case"]._portal_create_request(
                section.exists(),
                subject.strip(),
                description,
                categ=categ.exists(),
                attachments=self._get_uploaded_files(),
            )
        except UserError as error:
            values = self._prepare_crm_case_request_values(**form)
            values["error"] = error.args[0]
            return request.render("crm_case.portal_crm_case_new", values, status=400)
        return request.redirect(case.access_url)


def _to_id(value):
    """A record id from a form value; 0 when it is not a number."""
    return int(value) if str(value or "").isdigit() else 0
