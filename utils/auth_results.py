"""Whether a mail proves its sender: the Authentication-Results header.

A receiving server checks SPF, DKIM and DMARC and writes what it found in an
``Authentication-Results`` header (RFC 8601), named after itself by its
authserv-id. Anybody may write such a header into a mail, so only the headers
of a server we trust count, and only the ones it added: a server prepends
its header, so the trusted headers are the ones at the top, read down to the
first header of any other id ("added above every untrusted one"). A copy
bearing the trusted id lower down was written before that server saw the
mail, and is ignored. RFC 8601 section 5 asks the trusted server to remove
copies bearing its own id that arrive with the mail.

Pure Python: no Odoo here.
"""

import re
from dataclasses import dataclass, field
from email.utils import getaddresses

VERIFIED = "verified"
UNVERIFIED = "unverified"
NO_VERDICT = "none"

# Microsoft 365 writes its header without an authserv-id: trusting this
# name trusts such a nameless header.
NAMELESS_AUTHSERV_ID = "(none)"

# One "key=value" of a result, spaces around "=" allowed (RFC 8601 CFWS).
PAIR_RE = re.compile(r'([^\s=";]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s";]*)')


@dataclass
class MethodResult:
    """One result: ``dkim=pass header.d=example.com``."""

    method: str
    result: str
    properties: dict = field(default_factory=dict)

    def domain(self, *names):
        """The domain of the first property present among ``names``: a
        domain, or the domain part of an address (``header.i=@example.com``)."""
        for name in names:
            value = self.properties.get(name)
            if value:
                return value.rsplit("@", 1)[-1].strip().rstrip(".").lower()
        return ""


@dataclass
class AuthResults:
    """One Authentication-Results header."""

    authserv_id: str
    results: list = field(default_factory=list)


def _strip_comments(value):
    """The value without its (nested) comments, quoted strings kept whole."""
    kept, depth, quoted, escaped = [], 0, False, False
    for char in value:
        if escaped:
            escaped = False
            if not depth:
                kept.append(char)
            continue
        if char == "\\":
            escaped = True
            if not depth:
                kept.append(char)
        elif quoted:
            quoted = char != '"'
            kept.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif not depth:
            quoted = char == '"'
            kept.append(char)
    return "".join(kept)


def _split_results(value):
    """The parts of a value between the semicolons outside quoted strings."""
    parts, current, quoted, escaped = [], [], False, False
    for char in value:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _unquote(value):
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _parse_result(text):
    pairs = PAIR_RE.findall(text)
    if not pairs:
        return None
    method, result = pairs[0]
    properties = {key.lower(): _unquote(value) for key, value in pairs[1:]}
    return MethodResult(
        method.split("/", 1)[0].lower(), _unquote(result).lower(), properties
    )


def parse_header(value):
    """Read one Authentication-Results header value.

    :return: AuthResults, or None when the value is not such a header
    """
    text = " ".join(_strip_comments(str(value or "")).split())
    parts = _split_results(text)
    if not parts:
        return None
    if "=" in parts[0]:
        authserv_id = ""  # Microsoft 365: results without a server name
    else:
        authserv_id = parts.pop(0).split()[0].lower()
    results = []
    for part in parts:
        if part.lower() == "none":
            continue
        result = _parse_result(part)
        if result is None:
            return None
        results.append(result)
    return AuthResults(authserv_id, results)


def parse_trusted_ids(setting):
    """The trusted authserv-ids of a setting: several may be separated by
    commas or spaces."""
    ids = {name.lower() for name in re.split(r"[\s,]+", setting or "") if name}
    if NAMELESS_AUTHSERV_ID in ids:
        ids.add("")
    return ids


def trusted_results(header_values, trusted_ids):
    """The results of the trusted headers at the top of the mail.

    :param header_values: the Authentication-Results values, top first
    :param trusted_ids: set of trusted authserv-ids (``parse_trusted_ids``)
    :return: list of MethodResult, or None when no trusted header is on top
    """
    if not trusted_ids:
        return None
    results, trusted = [], False
    for value in header_values:
        header = parse_header(value)
        if header is None or header.authserv_id not in trusted_ids:
            break
        trusted = True
        results += header.results
    return results if trusted else None


def from_domain(from_values):
    """The domain of the one author of a mail, or "" when the mail has no
    From, several From headers or several addresses in its From."""
    addresses = getaddresses([str(value) for value in from_values or ()])
    addresses = [address for __, address in addresses if address]
    if len(addresses) != 1 or "@" not in addresses[0]:
        return ""
    return addresses[0].rsplit("@", 1)[1].strip().rstrip(".").lower()


def aligned(signing_domain, author_domain):
    """Relaxed alignment of a DKIM signature with the From domain: the same
    domain, or one a subdomain of the other, both of two labels at least.

    DMARC's organizational domain needs the public suffix list; this rule is
    stricter (siblings such as a.example.com and b.example.com do not align)
    and never aligns two registrations under one suffix (a.co.uk, b.co.uk).
    The DMARC verdict of the trusted server, when present, is used as is.
    """
    if not signing_domain or not author_domain:
        return False
    if signing_domain == author_domain:
        return True
    shorter, longer = sorted((signing_domain, author_domain), key=len)
    return shorter.count(".") >= 1 and longer.endswith("." + shorter)


def authenticates(results, author_domain):
    """Whether trusted results prove the From domain.

    DMARC decides when it gave a verdict for that domain: every such verdict
    must pass ("none", no policy published, is no verdict). Without one, a
    passing DKIM signature aligned with the From domain proves it.
    """
    dmarc = {
        result.result
        for result in results
        if result.method == "dmarc" and result.domain("header.from") == author_domain
    } - {"none"}
    if dmarc:
        return dmarc == {"pass"}
    return any(
        result.method == "dkim"
        and result.result == "pass"
        and aligned(result.domain("header.d", "header.i"), author_domain)
        for result in results
    )


def sender_verdict(header_values, from_values, trusted_ids):
    """The verdict on the sender of a mail: VERIFIED, UNVERIFIED, or
    NO_VERDICT when no header of a trusted server is on top.

    :param header_values: the Authentication-Results values, top first
    :param from_values: the values of the From headers
    :param trusted_ids: set of trusted authserv-ids (``parse_trusted_ids``)
    """
    results = trusted_results(header_values, trusted_ids)
    if results is None:
        return NO_VERDICT
    author_domain = from_domain(from_values)
    if author_domain and authenticates(results, author_domain):
        return VERIFIED
    return UNVERIFIED
