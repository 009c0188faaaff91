import email
import email.policy

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from ..utils.auth_results import (
    aligned,
    from_domain,
    parse_header,
    parse_trusted_ids,
    sender_verdict,
)
from . import auth_headers

DOMAIN = "customer.example.com"


def verdict_of(headers, trusted, sender=f"Carla <carla@{DOMAIN}>"):
    """The verdict on a mail made of these header lines, read as the intake
    reads a mail."""
    message = email.message_from_string(
        f"{headers}From: {sender}\nSubject: Hi\n\nHello\n", policy=email.policy.SMTP
    )
    return sender_verdict(
        message.get_all("Authentication-Results") or [],
        message.get_all("From") or [],
        parse_trusted_ids(trusted),
    )


@tagged("case_gateway")
class TestCrmCaseAuthResults(BaseCase):
    """The parser of Authentication-Results headers, without a database."""

    def test_parse_gmail(self):
        message = email.message_from_string(
            auth_headers.gmail(DOMAIN) + "\nbody", policy=email.policy.SMTP
        )
        header = parse_header(message["Authentication-Results"])
        self.assertEqual(header.authserv_id, "mx.google.com")
        self.assertEqual(
            [(r.method, r.result) for r in header.results],
            [("dkim", "pass"), ("spf", "pass"), ("dmarc", "pass")],
        )
        self.assertEqual(header.results[0].domain("header.d", "header.i"), DOMAIN)
        # The comment, with its "=" and ";" of its own, is no property.
        self.assertEqual(
            header.results[1].properties, {"smtp.mailfrom": f"bounces@{DOMAIN}"}
        )
        self.assertEqual(header.results[2].domain("header.from"), DOMAIN)

    def test_parse_microsoft365_without_server_name(self):
        header = parse_header(auth_headers.microsoft365(DOMAIN).split(":", 1)[1])
        self.assertEqual(header.authserv_id, "")
        self.assertEqual(
            [(r.method, r.result) for r in header.results],
            [
                ("spf", "pass"),
                ("dkim", "pass"),
                ("dmarc", "pass"),
                ("compauth", "pass"),
            ],
        )
        self.assertEqual(header.results[2].properties["action"], "none")

    def test_parse_quotes_comments_versions(self):
        header = parse_header(
            "MX.Example.ORG 1 (the border); dkim/1 = pass (good (nested) one) "
            'reason="a ;(quoted) \\"reason\\"" header.d="Example.COM."'
        )
        self.assertEqual(header.authserv_id, "mx.example.org")
        result = header.results[0]
        self.assertEqual((result.method, result.result), ("dkim", "pass"))
        self.assertEqual(result.properties["reason"], 'a ;(quoted) "reason"')
        self.assertEqual(result.domain("header.d"), "example.com")

    def test_parse_no_result_and_garbage(self):
        self.assertEqual(parse_header("mx.example.org; none").results, [])
        self.assertIsNone(parse_header(""))
        self.assertIsNone(parse_header("mx.example.org; garbage without pairs"))

    def test_trusted_ids_setting(self):
        self.assertEqual(
            parse_trusted_ids(" MX.Google.com, mx.example.org "),
            {"mx.google.com", "mx.example.org"},
        )
        self.assertEqual(parse_trusted_ids("(none)"), {"(none)", ""})
        self.assertEqual(parse_trusted_ids(False), set())

    def test_header_sets(self):
        for name, (trusted, headers, expected) in auth_headers.header_sets(
            DOMAIN
        ).items():
            with self.subTest(name):
                self.assertEqual(verdict_of(headers, trusted), expected)

    def test_untrusted_server_gives_no_verdict(self):
        headers = auth_headers.gmail(DOMAIN)
        self.assertEqual(verdict_of(headers, ""), "none")
        self.assertEqual(verdict_of(headers, auth_headers.POSTFIX_ID), "none")
        # A nameless header counts only when "(none)" is trusted.
        self.assertEqual(
            verdict_of(auth_headers.microsoft365(DOMAIN), "mx.google.com"), "none"
        )

    def test_multiple_from(self):
        headers = auth_headers.gmail(DOMAIN)
        two_addresses = f"carla@{DOMAIN}, mallory@attacker.example.net"
        self.assertEqual(
            verdict_of(headers, auth_headers.GMAIL_ID, two_addresses), "unverified"
        )
        two_headers = f"carla@{DOMAIN}\nFrom: mallory@attacker.example.net"
        self.assertEqual(
            verdict_of(headers, auth_headers.GMAIL_ID, two_headers), "unverified"
        )
        self.assertEqual(from_domain([]), "")

    def test_dmarc_of_another_domain_does_not_count(self):
        headers = auth_headers.gmail("attacker.example.net")
        self.assertEqual(verdict_of(headers, auth_headers.GMAIL_ID), "unverified")

    def test_subdomain_under_relaxed_policy(self):
        sub = f"alice@eu.{DOMAIN}"
        # The server aligned the parent's signature with the subdomain itself.
        headers = auth_headers.gmail(f"eu.{DOMAIN}", dkim_domain=DOMAIN)
        self.assertEqual(verdict_of(headers, auth_headers.GMAIL_ID, sub), "verified")
        # Without DMARC: a parent domain's signature aligns ...
        parent = auth_headers.opendkim_only(DOMAIN)
        self.assertEqual(verdict_of(parent, auth_headers.POSTFIX_ID, sub), "verified")
        # ... a sibling's does not (stricter than DMARC's organizational domain).
        sibling = auth_headers.opendkim_only(DOMAIN, dkim_domain=f"mail.{DOMAIN}")
        self.assertEqual(
            verdict_of(sibling, auth_headers.POSTFIX_ID, sub), "unverified"
        )

    def test_alignment_rule(self):
        self.assertTrue(aligned("example.com", "eu.example.com"))
        self.assertTrue(aligned("eu.example.com", "example.com"))
        self.assertFalse(aligned("a.example.com", "b.example.com"))
        self.assertFalse(aligned("victim.co.uk", "attacker.co.uk"))
        self.assertFalse(aligned("com", "example.com"))
        self.assertFalse(aligned("notexample.com", "example.com"))
        self.assertFalse(aligned("", "example.com"))
