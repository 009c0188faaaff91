"""What the intake of a mail takes and gives: its source, its outcome, and
the errors that tell a lasting failure from a passing one."""

from dataclasses import dataclass, field

import psycopg2

from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

# Errors that pass: the same mail may succeed later, so it is not a failure.
PASSING_ERRORS = (
    *PG_CONCURRENCY_EXCEPTIONS_TO_RETRY,
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
)


class MailBusy(Exception):
    """Another process is storing the same mail right now: try again later."""


class MailRefused(Exception):
    """A lasting reason not to process a mail: it is kept as a failed mail."""


@dataclass
class MailSource:
    """Where a mail comes from, and what its source asks of the intake."""

    server: object = None  # fetchmail.server record, or None for the pipe
    # Values of a new case when the mail reaches no section address: the
    # server's section, or the mailgate's --section.
    custom_values: dict = field(default_factory=dict)
    save_original: bool = False
    strip_attachments: bool = False
    label: str = "mailgate"
    # A manager released the mail: its sender is accepted unproven.
    sender_accepted: bool = False

    @classmethod
    def from_server(cls, server):
        # sudo: the section and options of a server are read by the gateway
        # user and by the case managers who retry its mails.
        server = server.sudo()
        return cls(
            server=server,
            custom_values=server._crm_case_custom_values() or {},
            save_original=server.original,
            strip_attachments=not server.attach,
            label=server.name,
        )


@dataclass
class MailOutcome:
    """What the intake did with a mail."""

    kind: str  # created, updated, failed, duplicate, busy
    record: object = None
    summary: str = ""

    @property
    def stored(self):
        return self.kind in ("created", "updated", "duplicate")

    def as_dict(self):
        return {
            "outcome": self.kind,
            "res_id": self.record.id if self.record else False,
            "summary": self.summary,
        }
