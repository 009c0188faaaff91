"""The peers of the Odoo server under load, all on loopback: the Dovecot IMAP
server the mails are fetched from, a sink that accepts the mails Odoo sends,
and the JSON-RPC client each thread of the bench talks to Odoo with."""

import http.client
import json
import socketserver

from tools import odoo_setup

Dovecot = odoo_setup.load_test_helper("dovecot").Dovecot

# The password of every user of the bench (set by the setup script).
PASSWORD = "load-bench-secret"
# Errors a request may end with under load: PostgreSQL serialization
# conflicts that Odoo retried and gave up on; the client tries once more.
RETRIED_ERRORS = ("SerializationFailure", "could not serialize", "ConcurrencyError")


class SmtpSink(socketserver.ThreadingTCPServer):
    """Accepts every mail on loopback and counts them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self):
        self.received = 0
        super().__init__(("127.0.0.1", odoo_setup.free_port()), SmtpHandler)


class SmtpHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.wfile.write(b"220 sink ESMTP\r\n")
        in_data = False
        for line in self.rfile:
            if in_data:
                if line in (b".\r\n", b".\n"):
                    in_data = False
                    self.server.received += 1
                    self.wfile.write(b"250 OK\r\n")
                continue
            command = line[:4].upper()
            if command == b"DATA":
                in_data = True
                self.wfile.write(b"354 go on\r\n")
            elif command == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            elif command == b"EHLO":
                self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
            else:
                self.wfile.write(b"250 OK\r\n")


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name") or ""
        super().__init__(f"{self.name}: {data.get('message') or error}")

    @property
    def retried_conflict(self):
        return any(marker in str(self) for marker in RETRIED_ERRORS)


class Rpc:
    """A keep-alive JSON-RPC connection for one thread and one user."""

    def __init__(self, port, database, uid):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
        self.database = database
        self.uid = uid

    def call(self, model, method, *args, **kwargs):
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [
                    self.database,
                    self.uid,
                    PASSWORD,
                    model,
                    method,
                    args,
                    kwargs,
                ],
            },
        }
        self.connection.request(
            "POST",
            "/jsonrpc",
            json.dumps(payload),
            {"Content-Type": "application/json"},
        )
        response = json.loads(self.connection.getresponse().read())
        if "error" in response:
            raise RpcError(response["error"])
        return response.get("result")
