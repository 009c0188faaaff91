"""Mails that keep a mail parser busy, made for the tests and the fault checks."""


def nested_enclosures(depth, to):
    """A mail of ``depth`` mails each enclosed in the next: the shape of a
    public mail library's torture fixture, which keeps parsers busy."""
    inner = b"From: core@example.org\r\nSubject: core\r\n\r\nhello\r\n"
    for level in range(depth):
        boundary = b"level%d" % level
        inner = (
            b"From: a@example.org\r\nSubject: level %d\r\nMIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="%s"\r\n\r\n'
            b"--%s\r\nContent-Type: text/plain\r\n\r\nlevel\r\n"
            b"--%s\r\nContent-Type: message/rfc822\r\n\r\n"
            % (level, boundary, boundary, boundary)
            + inner
            + b"\r\n--%s--\r\n" % boundary
        )
    return (
        b"Message-ID: <torture-%d@example.org>\r\nTo: %s\r\n" % (depth, to.encode())
        + inner
    )


def html_parts(count, to):
    """A mail of ``count`` small HTML parts: Odoo's parser spends a time that
    grows with the square of their number on it."""
    parts = b"".join(
        b"--p\r\nContent-Type: text/html\r\n\r\n"
        b"<div><p>part %d <b>bold</b></p></div>\r\n" % number
        for number in range(count)
    )
    return (
        b"Message-ID: <parts-%d@example.org>\r\nTo: %s\r\nFrom: a@example.org\r\n"
        b"Subject: Parts\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="p"\r\n\r\n'
        % (count, to.encode())
        + parts
        + b"--p--\r\n"
    )
