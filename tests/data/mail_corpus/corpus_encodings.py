"""The mails of odd encodings and shapes: transfer encodings, signed and
encrypted mails, many parts and deep nesting.
"""

from corpus_blocks import (
    BASE64,
    UTF8_TEXT,
    attachment,
    b64_lines,
    compose,
    from_customer,
    lines,
    made_up_bytes,
    mail,
    mime,
    multipart,
    part,
    parts,
)

# ---------------------------------------------------------------------------
# Transfer encodings
# ---------------------------------------------------------------------------


@mail(
    "base64 body with garbage: characters outside the alphabet, a wrong "
    "padding and a truncated last group."
)
def _base64_with_garbage():
    garbage = lines(
        "VGhlIHByaW50ZXIg!!!aXMgYnJva2VuLg==",
        "###not base64 at all###",
        "VGhlIHByaW50ZXIgaX=MgYnJv",
        "a2V",
    )
    return compose(
        from_customer(
            "Xaver", "Garbage in base64", "cte48", "Fri, 16 Jan 2026 08:00:00 +0000"
        ),
        mime(UTF8_TEXT, garbage, BASE64),
    )


@mail(
    "quoted-printable gone wrong: soft breaks before spaces, ``=`` "
    "followed by non-hex, a truncated escape and ``=`` as the last byte."
)
def _quoted_printable_broken():
    return compose(
        from_customer(
            "Yvonne",
            "Broken quoted-printable",
            "cte49",
            "Fri, 16 Jan 2026 08:10:00 +0000",
        ),
        mime(UTF8_TEXT, "", "Content-Transfer-Encoding: quoted-printable"),
        b"The print=\n"
        b"er is bro=  \n"
        b"ken =ZZ and =C3=A9 and =E2=9C half =4\n"
        b"trailing soft break=",
    )


@mail("``Content-Transfer-Encoding: x-uuencode`` attachment (begin/end).")
def _x_uuencode_attachment():
    uuencoded = lines("begin 644 printer.log", "1<')I;G1E<B!E<G)O<B`T,@H`", "`", "end")
    return compose(
        from_customer(
            "Zack", "uuencoded log", "cte50", "Fri, 16 Jan 2026 08:20:00 +0000"
        ),
        multipart(
            "mixed",
            "uu50",
            part("text/plain", "The log is attached.\n"),
            attachment(
                "application/octet-stream",
                "printer.log",
                uuencoded,
                "Content-Transfer-Encoding: x-uuencode",
            ),
        ),
    )


# ---------------------------------------------------------------------------
# Signed and encrypted
# ---------------------------------------------------------------------------


@mail(
    "S/MIME signed (multipart/signed, application/pkcs7-signature) with "
    "a made-up signature."
)
def _smime_signed():
    signature = b"0\x82\x01\x00" + made_up_bytes(51, 300)
    body = "This is a cryptographically signed message in MIME format.\n\n" + parts(
        "sig51",
        part(UTF8_TEXT, "Please replace the toner.\n"),
        part(
            'application/pkcs7-signature; name="smime.p7s"',
            b64_lines(signature) + "\n\n",
            BASE64,
            'Content-Disposition: attachment; filename="smime.p7s"',
        ),
    )
    return compose(
        from_customer(
            "Anke", "Signed request", "sign51", "Sat, 17 Jan 2026 08:00:00 +0000"
        ),
        mime(
            'multipart/signed; protocol="application/pkcs7-signature";\n'
            ' micalg=sha-256; boundary="sig51"',
            body,
        ),
    )


@mail("PGP/MIME encrypted (multipart/encrypted) with made-up ciphertext.")
def _pgp_encrypted():
    armor = lines(
        "-----BEGIN PGP MESSAGE-----",
        "",
        b64_lines(made_up_bytes(52, 240), 64),
        "=corp",
        "-----END PGP MESSAGE-----",
        "",
    )
    body = "This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\n" + parts(
        "pgp52",
        part(
            "application/pgp-encrypted",
            "Version: 1\n\n",
            "Content-Description: PGP/MIME version identification",
        ),
        part(
            'application/octet-stream; name="encrypted.asc"',
            armor,
            'Content-Disposition: inline; filename="encrypted.asc"',
        ),
    )
    return compose(
        from_customer("Bodo", "...", "crypt52", "Sat, 17 Jan 2026 08:10:00 +0000"),
        mime(
            'multipart/encrypted; protocol="application/pgp-encrypted";\n'
            ' boundary="pgp52"',
            body,
        ),
    )


# ---------------------------------------------------------------------------
# Shape: many parts, deep nesting
# ---------------------------------------------------------------------------


@mail("200 small parts in one multipart/mixed: text parts and attachments.")
def _two_hundred_parts():
    bodies = [
        attachment("text/plain", f"part{number}.txt", f"attachment {number}\n")
        if number % 2
        else part("text/plain", f"text {number}\n")
        for number in range(200)
    ]
    return compose(
        from_customer(
            "Cleo", "Two hundred parts", "shape53", "Sun, 18 Jan 2026 08:00:00 +0000"
        ),
        multipart("mixed", "many53", *bodies),
    )


@mail("multipart nested ten levels deep, a text part at the bottom.")
def _nested_multipart_depth_ten():
    body = part("text/plain", "The bottom of the nest.\n")
    for level in range(10, 0, -1):
        kind = "mixed" if level % 2 else "alternative"
        boundary = f"deep54-{level}"
        body = part(f'multipart/{kind}; boundary="{boundary}"', parts(boundary, body))
    return compose(
        from_customer(
            "Dirk",
            "Ten levels of multipart",
            "shape54",
            "Sun, 18 Jan 2026 08:10:00 +0000",
            "MIME-Version: 1.0",
        ),
        body,
    )
