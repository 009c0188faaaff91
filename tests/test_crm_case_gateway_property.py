"""Generated hostile mails through the case servers' fetch path.

Whatever a mail looks like, the fetch loop never raises and the mail ends as
exactly one case message or one failed incoming mail.
"""

import base64
import quopri

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged
from odoo.tools import mute_logger

from .gateway_common import CrmCaseGatewayCommon

# A few fixed ids so that duplicates come up often.
MESSAGE_ID_POOL = [f"<pool-{index}@property.example.com>" for index in range(3)]
CHARSETS = [
    "utf-8",
    "iso-8859-1",
    "koi8-r",
    "utf-16",
    "shift_jis",
    "x-no-such-charset",
    "",
    'utf-8"; junk="',
]
ENCODINGS = ["7bit", "8bit", "base64", "quoted-printable", "x-uuencode", "bogus"]
SUBTYPES = ["plain", "html", "calendar", "rfc822-headers"]

header_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=80
)
raw_bytes = st.binary(max_size=120)


@st.composite
def header_values(draw):
    """Plain text, encoded words (valid or not) or raw 8-bit bytes."""
    kind = draw(st.sampled_from(["text", "encoded", "broken-encoded", "bytes"]))
    if kind == "text":
        return draw(header_text).encode("utf-8", "replace")
    if kind == "encoded":
        charset = draw(st.sampled_from(CHARSETS[:5]))
        text = draw(header_text).encode(charset, "replace")
        return b"=?%s?%s?%s?=" % (
            charset.encode(),
            *draw(
                st.sampled_from(
                    [
                        (b"B", base64.b64encode(text)),
                        (b"Q", quopri.encodestring(text, header=True)),
                    ]
                )
            ),
        )
    if kind == "broken-encoded":
        return b"=?%s?%s?%s?=" % (
            draw(st.sampled_from(CHARSETS)).encode(),
            draw(st.sampled_from([b"B", b"Q", b"X"])),
            draw(raw_bytes).replace(b"\n", b""),
        )
    return draw(raw_bytes)


def _one_line(value):
    return value.replace(b"\r", b" ").replace(b"\n", b" ")


@st.composite
def leaf_parts(draw):
    subtype = draw(st.sampled_from(SUBTYPES))
    charset = draw(st.sampled_from(CHARSETS))
    size = draw(st.sampled_from(["empty", "small", "huge"]))
    if size == "empty":
        body = b""
    elif size == "small":
        body = draw(st.binary(max_size=300))
    else:
        body = draw(st.binary(min_size=1, max_size=8)) * 200_000
    headers = [
        b'Content-Type: text/%s; charset="%s"' % (subtype.encode(), charset.encode())
    ]
    headers.append(
        b"Content-Transfer-Encoding: %s" % draw(st.sampled_from(ENCODINGS)).encode()
    )
    if draw(st.booleans()):
        headers.append(
            b'Content-Disposition: attachment; filename="%s"'
            % _one_line(draw(header_values()))
        )
    return b"\n".join(headers) + b"\n\n" + body


@st.composite
def parts(draw, depth=0):
    if depth >= 3 or draw(st.booleans()):
        return draw(leaf_parts())
    boundary = draw(st.sampled_from([b"b1", b"b-2", b"", b'"quoted"', b"b1"]))
    children = draw(st.lists(parts(depth=depth + 1), max_size=3))
    closed = draw(st.booleans())
    inner = b"".join(b"--%s\n%s\n" % (boundary, child) for child in children)
    if closed:
        inner += b"--%s--\n" % boundary
    subtype = draw(st.sampled_from([b"mixed", b"alternative", b"related"]))
    return b"Content-Type: multipart/%s; boundary=%s\n\n%s" % (subtype, boundary, inner)


@st.composite
def mails(draw):
    """A raw mail and the Message-Id it carries (None when it has none)."""
    message_id = draw(
        st.one_of(
            st.none(),
            st.sampled_from(MESSAGE_ID_POOL),
            st.uuids().map(lambda uuid: f"<{uuid}@property.example.com>"),
        )
    )
    headers = []
    if message_id:
        headers.append(b"Message-Id: %s" % message_id.encode())
    for name in (b"From", b"To", b"Cc", b"Subject", b"Date", b"References"):
        if draw(st.booleans()):
            headers.append(b"%s: %s" % (name, _one_line(draw(header_values()))))
    if draw(st.booleans()):
        name = draw(st.from_regex(rb"\AX-[A-Za-z-]{1,20}\Z"))
        headers.append(b"%s: %s" % (name, _one_line(draw(header_values()))))
    headers.append(b"MIME-Version: 1.0")
    raw = b"\n".join(headers) + b"\n" + draw(parts())
    return raw, message_id


@tagged("post_install", "-at_install", "case_gateway")
class TestCrmCaseGatewayProperty(CrmCaseGatewayCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = cls._create_case_server("Property IMAP", cls.section_level1)

    def _effective_message_id(self, raw, message_id):
        return message_id or self.env["crm.case.mail.intake"]._get_message_id(raw)

    def _records_of(self, message_id):
        messages = self.env["mail.message"].search(
            [("message_id", "=", message_id), ("model", "=", "crm.case")]
        )
        failures = self.env["crm.case.mail.failure"].search(
            [("message_id", "=", message_id)]
        )
        return messages, failures

    @settings(
        max_examples=60,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(mails())
    def test_every_mail_is_recorded_once(self, mail):
        raw, message_id = mail
        effective_id = self._effective_message_id(raw, message_id)
        with mute_logger(
            "odoo.addons.crm_case.models.fetchmail_server",
            "odoo.addons.crm_case.models.crm_case_mail_failure",
            "odoo.addons.mail.models.mail_thread",
            "odoo.sql_db",
        ):
            self.server._crm_case_process_mail(raw)
            # The same mail fetched again (a fetch stopped before marking it
            # seen) adds nothing.
            self.server._crm_case_process_mail(raw)
        messages, failures = self._records_of(effective_id)
        failures = failures.filtered(lambda failure: failure.state == "failed")
        self.assertEqual(
            len(messages) + len(failures),
            1,
            f"mail {raw[:300]!r} recorded {len(messages)} time(s) on cases and "
            f"{len(failures)} time(s) as a failure",
        )
        if failures:
            self.assertTrue(failures.error)
            self.assertTrue(failures.raw_message)

    def test_mail_without_message_id_fetched_twice_is_one_case(self):
        raw = (
            b"From: Carla <carla@customer.example.com>\n"
            b"Subject: No id at all\n\nHello\n"
        )
        self.server._crm_case_process_mail(raw)
        self.server._crm_case_process_mail(raw)
        cases = self.env["crm.case"].search([("name", "=", "No id at all")])
        self.assertEqual(len(cases), 1)
        other = raw.replace(b"Hello", b"Hello again")
        self.server._crm_case_process_mail(other)
        cases = self.env["crm.case"].search([("name", "=", "No id at all")])
        self.assertEqual(len(cases), 2, "another mail without id is another mail")

    def test_nul_and_surrogates_in_failed_mail_headers(self):
        raw = (
            b"Message-Id: <nul-header@property.example.com>\n"
            b"From: \x00\xff\xfe <\x00@\x00>\n"
            b"Subject: Null \x00 byte \xed\xa0\x80 surrogate\n"
            b"To: nobody@elsewhere.example.org\n\nbody\x00\n"
        )
        server = self.server
        server.crm_case_section_id = False
        with mute_logger(
            "odoo.addons.crm_case.models.fetchmail_server",
            "odoo.addons.crm_case.models.crm_case_mail_failure",
            "odoo.sql_db",
        ):
            self.assertFalse(server._crm_case_process_mail(raw))
        __, failures = self._records_of("<nul-header@property.example.com>")
        self.assertEqual(len(failures), 1)
        self.assertNotIn("\x00", failures.name)
        self.assertIn("Null", failures.name)

    def test_mail_loop_guard_keeps_the_mail(self):
        """Odoo drops the mails of a sender creating many records; a case mail
        goes to the failed mails instead, and no bounce answers it."""
        self.env["ir.config_parameter"].set_param("mail.gateway.loop.threshold", 2)
        ids = [f"<loop-{index}@property.example.com>" for index in range(3)]
        for message_id in ids:
            raw = (
                f"From: Robot <robot@loop.example.com>\nMessage-Id: {message_id}\n"
                f"Subject: Loop {message_id}\n\nHello\n"
            ).encode()
            with mute_logger(
                "odoo.addons.crm_case.models.fetchmail_server",
                "odoo.addons.mail.models.mail_thread",
            ):
                self.server._crm_case_process_mail(raw)
        messages, failures = self._records_of(ids[2])
        self.assertFalse(messages)
        self.assertIn("too many cases", failures.error)
        self.assertFalse(
            self.env["mail.mail"].search([("email_to", "ilike", "robot@loop")])
        )

    def test_failure_closed_when_its_mail_reaches_a_case(self):
        raw = (
            b"From: Carla <carla@customer.example.com>\n"
            b"Message-Id: <closed-later@property.example.com>\n"
            b"Subject: Lost first\n\nHello\n"
        )
        self.server.crm_case_section_id = False
        with mute_logger("odoo.addons.crm_case.models.fetchmail_server"):
            self.assertFalse(self.server._crm_case_process_mail(raw))
        __, failure = self._records_of("<closed-later@property.example.com>")
        self.assertEqual(failure.state, "failed")
        # Sent again after the configuration was fixed: on a case, and the
        # failure is no longer waiting for a retry.
        self.server.crm_case_section_id = self.section_level1
        self.assertTrue(self.server._crm_case_process_mail(raw))
        messages, __ = self._records_of("<closed-later@property.example.com>")
        self.assertEqual(len(messages), 1)
        self.assertEqual(failure.state, "done")

    def test_unreadable_copy_of_a_recorded_mail_is_no_failure(self):
        message_id = b"<copied@property.example.com>"
        good = b"From: <carla@customer.example.com>\nMessage-Id: %s\n\nHi\n" % (
            message_id
        )
        # Found by the property test: this copy fails while being parsed.
        broken = (
            b"Message-Id: %s\nTo: =?utf-8?B??=\nMIME-Version: 1.0\n"
            b"Content-Type: multipart/mixed; boundary=b1\n\n" % message_id
        )
        self.assertTrue(self.server._crm_case_process_mail(good))
        with mute_logger("odoo.addons.crm_case.models.fetchmail_server"):
            self.assertTrue(self.server._crm_case_process_mail(broken))
        messages, failures = self._records_of(message_id.decode())
        self.assertEqual((len(messages), len(failures)), (1, 0))

    def test_fetch_answer_with_flag_changes_first(self):
        """A concurrent session marking mails seen adds bare lines to a FETCH
        answer: the mail is still the literal."""
        parts = [
            b"3 (FLAGS (\\Seen))",
            (b"4 (BODY[] {5}", b"Hello"),
            b")",
        ]
        self.assertEqual(self.server._crm_case_imap_body(parts), b"Hello")

    def test_retried_mail_without_message_id_is_not_fetched_twice(self):
        raw = b"From: <carla@customer.example.com>\nSubject: Retry me\n\nHi\n"
        self.server.crm_case_section_id = False
        with mute_logger("odoo.addons.crm_case.models.fetchmail_server"):
            self.assertFalse(self.server._crm_case_process_mail(raw))
        failure = self.env["crm.case.mail.failure"].search([("name", "=", "Retry me")])
        self.server.crm_case_section_id = self.section_level1
        failure.with_user(self.case_manager).action_retry()
        self.assertEqual(failure.state, "done")
        # The same mail fetched again is the one already on the case.
        self.assertTrue(self.server._crm_case_process_mail(raw))
        self.assertEqual(
            self.env["crm.case"].search_count([("name", "=", "Retry me")]), 1
        )
