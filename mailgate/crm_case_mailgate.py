#!/usr/bin/env python3
"""crm-case-mailgate: hand one mail, read on standard input, to crm_case.

The mail transfer agent pipes each mail for the cases into this script, which
gives it to the model ``crm.case.mail.intake`` of an Odoo server over XML-RPC.
It needs Python 3's standard library only, so that it runs on a mail host
without Odoo. It prints one line saying what happened and exits with a status
of sysexits.h, the convention of Postfix and Exim pipes:

- 0: Odoo stored the mail (a new case, a message on a case, a failed mail kept
  in *Failed Incoming Mails*, a copy already recorded, or a mail for another
  model);
- 75 (EX_TEMPFAIL): Odoo did not store it (unreachable, no answer in time, an
  error, a login refused, an unknown default section); the MTA keeps the mail
  and retries later;
- 64 (EX_USAGE): wrong options; 65 (EX_DATAERR): the mail is empty;
  66 (EX_NOINPUT): standard input cannot be read.
"""

import argparse
import http.client
import os
import socket
import sys
import urllib.parse
import xmlrpc.client
from xml.parsers.expat import ExpatError

PROG = "crm-case-mailgate"
PASSWORD_VARIABLE = "CRM_CASE_MAILGATE_PASSWORD"
INTAKE_MODEL = "crm.case.mail.intake"
EX_OK = 0
EX_USAGE = 64
EX_DATAERR = 65
EX_NOINPUT = 66
EX_TEMPFAIL = 75
MAX_DETAIL = 300


class MailgateExit(Exception):
    """Ends the run with an exit status and the one line that says why."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status


def deferred(reason):
    return MailgateExit(
        EX_TEMPFAIL, f"deferred, {reason} (the MTA keeps the mail and retries)"
    )


def one_line(text):
    """The text on one line, shortened: the MTA logs the line as is."""
    line = " ".join(str(text).split())
    if len(line) > MAX_DETAIL:
        line = line[: MAX_DETAIL - 3] + "..."
    return line


# ---------------------------------------------------------------------------
# Options


class UsageParser(argparse.ArgumentParser):
    """An argument parser whose errors end the run with EX_USAGE."""

    def error(self, message):
        raise MailgateExit(EX_USAGE, f"usage error: {message}")


def build_parser():
    parser = UsageParser(
        prog=PROG,
        description="Hand the mail read on standard input to the cases of an "
        "Odoo database (crm_case), over XML-RPC.",
        epilog=f"The password or API key is read from --password-file, else "
        f"from --password, else from the environment variable "
        f"{PASSWORD_VARIABLE}. Exit status: 0 stored, 75 deferred (the MTA "
        f"retries), 64 wrong options, 65 empty mail, 66 unreadable input.",
    )
    parser.add_argument(
        "--url",
        default="http://localhost:8069",
        help="the Odoo server (default: %(default)s)",
    )
    parser.add_argument("-d", "--database", required=True, help="the database")
    parser.add_argument(
        "-u", "--user", required=True, help="the login of the user Odoo acts as"
    )
    secret = parser.add_mutually_exclusive_group()
    secret.add_argument(
        "--password-file",
        metavar="PATH",
        help="a file whose first line is the password or API key",
    )
    secret.add_argument(
        "--password",
        help="the password or API key; visible to every local user in ps, "
        "prefer --password-file",
    )
    parser.add_argument(
        "-s",
        "--section",
        help="the case section of the mails that reach no section address: "
        "its id, or its exact name",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=120.0,
        help="seconds to wait for Odoo's answer (default: %(default)s)",
    )
    return parser


def positive_seconds(value):
    try:
        seconds = float(value)
    except ValueError:
        seconds = 0
    if not seconds > 0:
        raise argparse.ArgumentTypeError(f"not a positive number of seconds: {value}")
    return seconds


def parse_options(argv):
    options = build_parser().parse_args(argv)
    url = urllib.parse.urlsplit(options.url)
    if url.scheme not in ("http", "https") or not url.hostname:
        raise MailgateExit(
            EX_USAGE, f"usage error: --url must be an http(s) URL: {options.url}"
        )
    options.url = options.url.rstrip("/")
    for name in ("database", "user"):
        if not getattr(options, name).strip():
            raise MailgateExit(EX_USAGE, f"usage error: --{name} is empty")
    options.password = read_password(options)
    return options


def read_password(options):
    if options.password_file:
        try:
            with open(options.password_file, encoding="utf-8") as handle:
                password = handle.readline().rstrip("\r\n")
        except (OSError, UnicodeError) as error:
            # Perhaps a permission being fixed: keep the mail meanwhile.
            raise deferred(f"cannot read the password file: {error}") from error
    else:
        password = options.password or os.environ.get(PASSWORD_VARIABLE, "")
    if not password:
        raise MailgateExit(
            EX_USAGE,
            f"usage error: no password: give --password-file, --password or "
            f"the environment variable {PASSWORD_VARIABLE}",
        )
    return password


def read_mail(stream):
    try:
        if stream is None:
            raise OSError("standard input is closed")
        raw = stream.read()
    except OSError as error:
        raise MailgateExit(
            EX_NOINPUT, f"cannot read the mail on standard input: {error}"
        ) from error
    if not raw.strip():
        raise MailgateExit(EX_DATAERR, "the mail on standard input is empty")
    return raw


# ---------------------------------------------------------------------------
# Odoo


class TimeoutTransportMixin:
    """Gives up when the server does not answer within ``timeout`` seconds."""

    timeout = None

    def make_connection(self, host):
        connection = super().make_connection(host)
        connection.timeout = self.timeout
        return connection


class TimeoutTransport(TimeoutTransportMixin, xmlrpc.client.Transport):
    pass


class TimeoutSafeTransport(TimeoutTransportMixin, xmlrpc.client.SafeTransport):
    pass


class Odoo:
    """The few XML-RPC calls of the mailgate, as one user of one database."""

    def __init__(self, options):
        self.url = options.url
        self.database = options.database
        self.login = options.user
        self.password = options.password
        self.timeout = options.timeout
        self.uid = None

    def proxy(self, endpoint):
        transport_class = (
            TimeoutSafeTransport if self.url.startswith("https:") else TimeoutTransport
        )
        transport = transport_class()
        transport.timeout = self.timeout
        return xmlrpc.client.ServerProxy(
            f"{self.url}/xmlrpc/2/{endpoint}", transport=transport, allow_none=True
        )

    def authenticate(self):
        self.uid = self.proxy("common").authenticate(
            self.database, self.login, self.password, {}
        )
        if not self.uid:
            raise deferred(
                f"Odoo refused the login {self.login!r} on database {self.database!r}"
            )

    def execute(self, model, method, args, kwargs=None):
        return self.proxy("object").execute_kw(
            self.database, self.uid, self.password, model, method, args, kwargs or {}
        )

    def section_id(self, section):
        """The id of the section given by id or by exact (full) name."""
        if not section:
            return False
        if section.isdigit():
            return int(section)
        domain = ["|", ("name", "=", section), ("complete_name", "=", section)]
        ids = self.execute("crm.case.section", "search", [domain], {"limit": 2})
        if not ids:
            raise deferred(f"no case section named {section!r} for {self.login!r}")
        if len(ids) > 1:
            raise deferred(f"several case sections are named {section!r}; give its id")
        return ids[0]

    def process_mail(self, raw, section_id):
        return self.execute(
            INTAKE_MODEL,
            "process_mail",
            [xmlrpc.client.Binary(raw)],
            {"section_id": section_id},
        )


def call_odoo(options, raw):
    """Authenticate, resolve the section and hand the mail over.

    :return: the intake's answer (a dict with outcome, res_id and summary)
    :raise MailgateExit: deferred, whenever the mail may not have been stored
    """
    odoo = Odoo(options)
    where = options.url
    try:
        odoo.authenticate()
        return odoo.process_mail(raw, odoo.section_id(options.section))
    except xmlrpc.client.Fault as fault:
        raise deferred(f"Odoo answered with an error: {fault_text(fault)}") from fault
    except xmlrpc.client.ProtocolError as error:
        raise deferred(
            f"Odoo at {where} answered HTTP {error.errcode} {error.errmsg}"
        ) from error
    except (TimeoutError, socket.timeout) as error:
        raise deferred(
            f"no answer from Odoo at {where} within {options.timeout:g} s"
        ) from error
    except (OSError, http.client.HTTPException) as error:
        raise deferred(f"Odoo unreachable at {where}: {one_line(error)}") from error
    except (ExpatError, xmlrpc.client.ResponseError) as error:
        raise deferred(
            f"Odoo at {where} did not answer in XML-RPC: {one_line(error)}"
        ) from error


def fault_text(fault):
    """The message of an XML-RPC fault; of a traceback, its last line."""
    text = str(fault.faultString or fault.faultCode)
    if text.startswith("Traceback"):
        text = [line for line in text.splitlines() if line.strip()][-1]
    return one_line(text)


def describe(answer):
    """The line for the intake's answer, or deferred when it makes no sense."""
    if not isinstance(answer, dict):
        raise deferred(f"Odoo answered something unexpected: {one_line(answer)}")
    outcome = answer.get("outcome")
    res_id = answer.get("res_id")
    summary = one_line(answer.get("summary") or "")
    lines = {
        "created": f"case {res_id} created",
        "updated": f"case {res_id} updated",
        "failed": f"kept in Failed Incoming Mails (#{res_id}): {summary}",
        "duplicate": f"already recorded, nothing to do: {summary}",
        "other": f"delivered by Odoo's own routing: {summary}",
    }
    if outcome not in lines:
        raise deferred(f"Odoo answered an unknown outcome: {one_line(answer)}")
    return lines[outcome]


# ---------------------------------------------------------------------------
# Entry point


def run(argv, stdin):
    """The exit status and the line to print, for these options and input."""
    try:
        options = parse_options(argv)
        raw = read_mail(stdin)
        return EX_OK, describe(call_odoo(options, raw))
    except MailgateExit as stop:
        return stop.status, str(stop)


def main(argv=None):
    stdin = sys.stdin.buffer if sys.stdin else None
    status, line = run(sys.argv[1:] if argv is None else argv, stdin)
    stream = sys.stdout if status == EX_OK else sys.stderr
    stream.write(f"{PROG}: {line}\n")
    stream.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
