"""Look at the shape of a raw mail without parsing it.

Python's and Odoo's mail parsers take minutes on a crafted mail (thousands of
nested enclosures): the intake measures a mail with one linear pass over its
lines first, and keeps a mail that is too big, too deep or made of too many
parts raw, unparsed.
"""

import re
from dataclasses import dataclass

# The mbox separator line that some MTAs and mailbox exports put before the
# headers ("From sender@example.com Mon Jan  1 00:00:00 2026").
MBOX_FROM_RE = re.compile(rb"\AFrom [^\r\n]*\r?\n")
# A boundary parameter of a Content-Type, on its header line or a folded one.
BOUNDARY_RE = re.compile(rb'boundary\s*=\s*(?:"([^"\r\n]+)"|([^\s;"]+))', re.I)
# An enclosed mail: each is parsed as a mail of its own.
ENCLOSURE_RE = re.compile(rb"^content-type:\s*message/", re.I)


@dataclass
class MailShape:
    size: int
    parts: int
    depth: int


def strip_mbox_separator(raw):
    """The mail without the mbox ``From `` line that may precede its headers."""
    return MBOX_FROM_RE.sub(b"", raw, count=1)


def measure(raw, stop_parts=None, stop_depth=None):
    """Size, number of parts and nesting depth of multiparts of a raw mail.

    Parts are the boundary lines of the multiparts and the enclosed mails;
    depth is how many multiparts are open at once. Both come from the text
    alone, so a broken mail is measured too.

    :param stop_parts: stop once more parts than this are seen
    :param stop_depth: stop once multiparts are nested deeper than this
    :return: a MailShape
    """
    open_boundaries = []
    parts = depth = 0
    for line in raw.splitlines():
        if line.startswith(b"--") and open_boundaries:
            parts += _close_or_count(open_boundaries, line[2:].rstrip())
        elif ENCLOSURE_RE.match(line):
            parts += 1
        match = BOUNDARY_RE.search(line)
        if match:
            open_boundaries.append(match.group(1) or match.group(2))
            depth = max(depth, len(open_boundaries))
        if (stop_parts is not None and parts > stop_parts) or (
            stop_depth is not None and depth > stop_depth
        ):
            break
    return MailShape(size=len(raw), parts=parts, depth=depth)


def _close_or_count(open_boundaries, token):
    """Close the multiparts a closing delimiter ends; count a part delimiter.

    :return: 1 for a delimiter that starts a part, 0 otherwise
    """
    closing = token.endswith(b"--") and token[:-2] in open_boundaries
    name = token[:-2] if closing else token
    if name not in open_boundaries:
        return 0
    # Inner multiparts left open by a broken mail end with their parent.
    del open_boundaries[open_boundaries.index(name) + (not closing) :]
    return 0 if closing else 1
