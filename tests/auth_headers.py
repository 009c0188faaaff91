"""Authentication-Results headers as Gmail, Microsoft 365 and Postfix with
OpenDKIM and OpenDMARC write them, for a From domain. Each returns header
lines, folded as those servers fold them, to put on top of a test mail."""

GMAIL_ID = "mx.google.com"
POSTFIX_ID = "mx.cases.example.org"
# Microsoft 365 names no server in its header.
M365_ID = "(none)"


def gmail(domain, dmarc="pass", dkim="pass", dkim_domain=None):
    return (
        "Authentication-Results: mx.google.com;\n"
        f"       dkim={dkim} header.i=@{dkim_domain or domain} header.s=s2026 "
        "header.b=Xy12AbCd;\n"
        f"       spf=pass (google.com: domain of bounces@{domain} designates "
        f"192.0.2.10 as permitted sender) smtp.mailfrom=bounces@{domain};\n"
        f"       dmarc={dmarc} (p=REJECT sp=REJECT dis=NONE) header.from={domain}\n"
    )


def microsoft365(domain, dmarc="pass", dkim="pass"):
    signed = "signature was verified" if dkim == "pass" else "message not signed"
    return (
        "Authentication-Results: spf=pass (sender IP is 192.0.2.25)\n"
        f" smtp.mailfrom={domain}; dkim={dkim} ({signed})\n"
        f" header.d={domain};dmarc={dmarc} action=none\n"
        f" header.from={domain};compauth=pass reason=100\n"
    )


def postfix(domain, dmarc="pass", dkim="pass", dkim_domain=None, authserv=POSTFIX_ID):
    """OpenDMARC's header, then OpenDKIM's: the later milter's comes first."""
    return (
        f"Authentication-Results: {authserv}; dmarc={dmarc} (p=none dis=none) "
        f"header.from={domain}\n"
        f"Authentication-Results: {authserv};\n"
        f"\tdkim={dkim} (2048-bit key; unprotected) header.d={dkim_domain or domain} "
        f"header.i=@{dkim_domain or domain} header.a=rsa-sha256 header.s=mail "
        "header.b=AbCd1234;\n"
        "\tdkim-atps=neutral\n"
    )


def opendkim_only(domain, dkim="pass", dkim_domain=None):
    """A Postfix without OpenDMARC: DKIM alone."""
    return (
        f"Authentication-Results: {POSTFIX_ID};\n"
        f"\tdkim={dkim} (1024-bit key) header.d={dkim_domain or domain} "
        f'header.i=@{dkim_domain or domain} header.b="Q1w2;E3r4"\n'
    )


def forged(domain, authserv="evil.example.net"):
    """What a sender writes into its own mail."""
    return (
        f"Authentication-Results: {authserv}; dkim=pass header.d={domain}; "
        f"dmarc=pass header.from={domain}\n"
    )


def header_sets(domain):
    """name: (trusted authserv-id, header lines, expected verdict)."""
    return {
        "gmail pass": (GMAIL_ID, gmail(domain), "verified"),
        "gmail fail": (
            GMAIL_ID,
            gmail(domain, dmarc="fail", dkim="none"),
            "unverified",
        ),
        "gmail temperror": (
            GMAIL_ID,
            gmail(domain, dmarc="temperror"),
            "unverified",
        ),
        "gmail none, dkim aligned": (
            GMAIL_ID,
            gmail(domain, dmarc="none"),
            "verified",
        ),
        "m365 pass": (M365_ID, microsoft365(domain), "verified"),
        "m365 fail": (M365_ID, microsoft365(domain, "fail", "none"), "unverified"),
        "m365 none": (M365_ID, microsoft365(domain, "none", "none"), "unverified"),
        "postfix pass": (POSTFIX_ID, postfix(domain), "verified"),
        "postfix fail": (POSTFIX_ID, postfix(domain, "fail", "fail"), "unverified"),
        "postfix temperror": (
            POSTFIX_ID,
            postfix(domain, "temperror", "temperror"),
            "unverified",
        ),
        "opendkim only": (POSTFIX_ID, opendkim_only(domain), "verified"),
        "dkim of another domain": (
            POSTFIX_ID,
            opendkim_only(domain, dkim_domain="attacker.example.net"),
            "unverified",
        ),
        "forged copy below the trusted fail": (
            POSTFIX_ID,
            postfix(domain, "fail", "none") + forged(domain, POSTFIX_ID),
            "unverified",
        ),
        "trusted below a forged one": (
            POSTFIX_ID,
            forged(domain) + postfix(domain),
            "none",
        ),
        "forged only": (POSTFIX_ID, forged(domain), "none"),
        "no header": (POSTFIX_ID, "", "none"),
    }
