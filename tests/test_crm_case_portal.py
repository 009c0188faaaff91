from odoo.exceptions import AccessError
from odoo.tests import JsonRpcException, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from ..controllers.portal import CrmCaseCustomerPortal
from .portal_common import CrmCasePortalCommon


@tagged("post_install", "-at_install", "case_portal")
class TestCrmCasePortal(CrmCasePortalCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own_case.message_post(
            body="Internal: this customer pays late",
            message_type="comment",
            subtype_xmlid="mail.mt_note",
        )
        cls.own_case.action_text = "Historized: call the boss"
        cls.own_case.action_historize()
        cls.own_case.message_post(
            body="We ordered a new roller",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )

    # ------------------------------------------------------------
    # ORM / RPC
    # ------------------------------------------------------------

    def test_portal_reads_its_company_cases_only(self):
        contact_case = self._create_case(
            name="Toner", partner_id=self.portal_partner.id
        )
        Case = self.env["crm.case"].with_user(self.portal_user)
        visible = Case.search([])
        self.assertEqual(visible, self.own_case | contact_case)
        self.assertEqual(self.own_case.with_user(self.portal_user).name, "Printer jams")
        with self.assertRaises(AccessError):
            Case.browse(self.other_case.id).read(["name"])
        self.assertFalse(Case.search([("id", "=", self.other_case.id)]))
        other = self.env["crm.case"].with_user(self.other_portal_user).search([])
        self.assertEqual(other, self.other_case)

    def test_portal_changes_nothing(self):
        case = self.own_case.with_user(self.portal_user)
        with self.assertRaises(AccessError):
            case.write({"name": "Hacked"})
        with self.assertRaises(AccessError):
            case.unlink()
        with self.assertRaises(AccessError):
            self.env["crm.case"].with_user(self.portal_user).create(
                {"name": "Mine", "section_id": self.section_level1.id}
            )
        with self.assertRaises(AccessError):
            case.action_open()
        self.assertEqual(self.own_case.name, "Printer jams")

    def test_portal_sees_no_internal_note_nor_rule_log(self):
        Message = self.env["mail.message"].with_user(self.portal_user)
        messages = Message.search(
            [("model", "=", "crm.case"), ("res_id", "=", self.own_case.id)]
        )
        bodies = " ".join(messages.mapped("body"))
        self.assertIn("We ordered a new roller", bodies)
        self.assertNotIn("pays late", bodies)
        self.assertNotIn("call the boss", bodies)
        for text in ("pays late", "call the boss"):
            note = self.own_case.message_ids.filtered(lambda m, t=text: t in m.body)
            with self.subTest(note=text), self.assertRaises(AccessError):
                note.with_user(self.portal_user).read(["body"])
        self.env["crm.case.rule"].create({"name": "Log everything"})
        self.own_case.action_open()
        self.assertTrue(self.own_case.rule_log_ids)
        with self.assertRaises(AccessError):
            self.env["crm.case.rule.log"].with_user(self.portal_user).search([])
        with self.assertRaises(AccessError):
            self.own_case.with_user(self.portal_user).read(["rule_log_ids"])

    def test_public_user_reads_no_case(self):
        public = mail_new_test_user(
            self.env, login="public_pete", groups="base.group_public"
        )
        with self.assertRaises(AccessError):
            self.env["crm.case"].with_user(public).search([])
        with self.assertRaises(AccessError):
            self.own_case.with_user(public).read(["name"])

    def test_portal_reply_reopens_case_through_rules(self):
        self.own_case.action_open()
        self.own_case.action_pending()
        rule = self.env["crm.case.rule"].create(
            {
                "name": "Customer is back",
                "trg_state_from": "pending",
                "trg_state_to": "open",
                "act_priority": "1",
            }
        )
        message = self.own_case.with_user(self.portal_user).message_post(
            body="Still broken",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(message.author_id, self.portal_partner)
        self.assertEqual(self.own_case.state, "open")
        self.assertEqual(self.own_case.priority, "1")
        self.assertIn(rule, self.own_case.rule_log_ids.rule_id)
        self.assertEqual(self.own_case.user_id, self.case_user, "responsible kept")

    def test_portal_reply_reopens_closed_case(self):
        self.own_case.action_open()
        self.own_case.action_close()
        self.own_case.with_user(self.portal_user).message_post(
            body="It broke again",
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.assertEqual(self.own_case.state, "open")
        self.assertFalse(self.own_case.date_closed)

    def test_portal_cannot_post_on_other_case(self):
        with self.assertRaises(AccessError):
            self.other_case.with_user(self.portal_user).message_post(
                body="Let me in", message_type="comment"
            )

    def test_access_url(self):
        self.assertEqual(self.own_case.access_url, f"/my/cases/{self.own_case.id}")

    # ------------------------------------------------------------
    # URLs
    # ------------------------------------------------------------

    def test_my_cases_list(self):
        self.authenticate("portal_carla", "portal_carla")
        response = self.url_open("/my/cases")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Printer jams", response.text)
        self.assertNotIn("Secret merger", response.text)
        response = self.url_open("/my/cases?search=merger&search_in=name")
        self.assertNotIn("Secret merger", response.text)
        response = self.url_open("/my/cases?search=jams&search_in=name&sortby=state")
        self.assertIn("Printer jams", response.text)
        response = self.url_open("/my/cases?search=nothing-like-it")
        self.assertNotIn("Printer jams", response.text)

    def test_my_cases_paging(self):
        for index in range(3):
            self._create_case(name=f"Paged {index}", partner_id=self.portal_partner.id)
        self.patch(CrmCaseCustomerPortal, "_items_per_page", 2)
        self.authenticate("portal_carla", "portal_carla")
        first = self.url_open("/my/cases?sortby=name").text
        second = self.url_open("/my/cases/page/2?sortby=name").text
        self.assertIn("Paged 0", first)
        self.assertIn("Paged 1", first)
        self.assertNotIn("Paged 2", first)
        self.assertIn("Paged 2", second)
        self.assertIn("Printer jams", second)

    def test_home_counters(self):
        self.authenticate("portal_carla", "portal_carla")
        counters = self.make_jsonrpc_request(
            "/my/counters",
            {"counters": ["crm_case_count", "crm_case_section_count"]},
        )
        sections = self.env["crm.case.section"].search(
            [("portal_available", "=", True)]
        )
        self.assertIn(self.section_level1, sections)
        self.assertEqual(
            counters, {"crm_case_count": 1, "crm_case_section_count": len(sections)}
        )
        self.assertIn("/my/cases", self.url_open("/my").text)

    def test_case_page(self):
        self.authenticate("portal_carla", "portal_carla")
        response = self.url_open(f"/my/cases/{self.own_case.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Printer jams", response.text)
        self.assertIn("Case User", response.text)
        self.assertIn("Level 2 / Level 1", response.text)
        # The history is loaded by the portal chatter, never in the page.
        self.assertNotIn("pays late", response.text)

    def test_guessed_case_urls_give_no_data(self):
        self.authenticate("portal_carla", "portal_carla")
        for case_id in (self.other_case.id, self.other_case.id + 1000):
            with self.subTest(case_id=case_id):
                response = self.url_open(f"/my/cases/{case_id}")
                self.assertTrue(response.url.endswith("/my"), response.url)
                self.assertNotIn("Secret merger", response.text)
        response = self.url_open(f"/my/cases/{self.other_case.id}?access_token=guessed")
        self.assertNotIn("Secret merger", response.text)

    def test_visitor_gets_no_case(self):
        for url in ("/my/cases", f"/my/cases/{self.own_case.id}", "/my/cases/new"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertIn("/web/login", response.url)
                self.assertNotIn("Printer jams", response.text)

    def test_access_token_link(self):
        self.own_case._portal_ensure_token()
        response = self.url_open(self.own_case.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn("Printer jams", response.text)

    def test_chatter_hides_internal_notes(self):
        self.authenticate("portal_carla", "portal_carla")
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch",
            {"thread_model": "crm.case", "thread_id": self.own_case.id},
        )
        bodies = " ".join(
            str(message.get("body")) for message in result["data"]["mail.message"]
        )
        self.assertIn("We ordered a new roller", bodies)
        self.assertNotIn("pays late", bodies)

    def test_chatter_post_reopens_case(self):
        self.own_case.action_open()
        self.own_case.action_close()
        self.authenticate("portal_carla", "portal_carla")
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "crm.case",
                "thread_id": self.own_case.id,
                "post_data": {
                    "body": "Broken again",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )
        message = self.own_case.message_ids.filtered(
            lambda m: "Broken again" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.author_id, self.portal_partner)
        self.assertEqual(self.own_case.state, "open")
        with self.assertRaises(JsonRpcException):
            self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": "crm.case",
                    "thread_id": self.other_case.id,
                    "post_data": {"body": "Let me in", "message_type": "comment"},
                },
            )
        self.assertNotIn(
            "Let me in", " ".join(self.other_case.message_ids.mapped("body"))
        )

    def _upload(self, case, csrf_token):
        return self.url_open(
            "/mail/attachment/upload",
            data={
                "csrf_token": csrf_token,
                "thread_id": case.id,
                "thread_model": "crm.case",
                "is_pending": "true",
            },
            files={"ufile": ("photo.txt", b"a photo of the jam", "text/plain")},
        )

    def test_chatter_reply_with_file(self):
        self.authenticate("portal_carla", "portal_carla")
        token = self._csrf_token("/my/cases/new")
        response = self._upload(self.own_case, token)
        self.assertEqual(response.status_code, 200)
        attachment = response.json()["data"]["ir.attachment"][0]
        self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "crm.case",
                "thread_id": self.own_case.id,
                "post_data": {
                    "body": "See the photo",
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                    "attachment_ids": [attachment["id"]],
                },
                "attachment_tokens": [attachment["access_token"]],
            },
        )
        message = self.own_case.message_ids.filtered(
            lambda m: "See the photo" in (m.body or "")
        )
        self.assertEqual(message.attachment_ids.raw, b"a photo of the jam")
        self.assertEqual(message.attachment_ids.res_id, self.own_case.id)
        self.assertEqual(self._upload(self.other_case, token).status_code, 404)

    # ------------------------------------------------------------
    # New request
    # ------------------------------------------------------------

    def _post_request(self, **values):
        token = self._csrf_token("/my/cases/new")
        data = {
            "csrf_token": token,
            "section_id": self.section_level1.id,
            "subject": "Scanner is dead",
            "description": "No light at all.\nSince Monday.",
            **values,
        }
        return self.url_open(
            "/my/cases/new",
            data=data,
            files={"attachments": ("scan.txt", b"log of the scanner", "text/plain")},
        )

    def test_new_request(self):
        self.section_level1.gateway_acknowledge = True
        self.authenticate("portal_carla", "portal_carla")
        form = self.url_open("/my/cases/new").text
        self.assertIn("Level 2 / Level 1", form)
        self.assertIn('name="description"', form)
        self.assertNotIn("Sales Test", form)
        response = self._post_request(categ_id=self.categ_fault.id)
        case = self.env["crm.case"].search([("name", "=", "Scanner is dead")])
        self.assertEqual(len(case), 1)
        self.assertTrue(response.url.endswith(f"/my/cases/{case.id}"))
        self.assertEqual(case.section_id, self.section_level1)
        self.assertEqual(case.categ_id, self.categ_fault)
        self.assertEqual(case.partner_id, self.customer_company)
        self.assertEqual(case.partner_address_id, self.portal_partner)
        self.assertEqual(case.state, "draft")
        self.assertFalse(case.user_id)
        self.assertIn("Since Monday", case.description)
        self.assertIn(self.portal_partner, case.message_partner_ids)
        attachment = case.message_ids.attachment_ids
        self.assertEqual(attachment.name, "scan.txt")
        self.assertEqual(attachment.raw, b"log of the scanner")
        ack = self.env["mail.mail"].search([("res_id", "=", case.id)])
        self.assertIn(f"[{case.id}]", ack.subject)

    def test_new_request_refused_outside_portal_sections(self):
        self.authenticate("portal_carla", "portal_carla")
        response = self._post_request(section_id=self.section_sales.id)
        self.assertEqual(response.status_code, 400)
        response = self._post_request(categ_id=self.categ_sales.id)
        self.assertEqual(response.status_code, 400)
        self.assertIn("does not belong to the section", response.text)
        self.assertFalse(
            self.env["crm.case"].search([("name", "=", "Scanner is dead")])
        )

    def test_new_request_needs_csrf_token(self):
        self.authenticate("portal_carla", "portal_carla")
        response = self.url_open(
            "/my/cases/new",
            data={"section_id": self.section_level1.id, "subject": "No token"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["crm.case"].search([("name", "=", "No token")]))
