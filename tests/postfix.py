"""A throwaway Postfix on loopback that pipes a domain's mail into the mailgate.

Its configuration is the README's example (section *Mail piped by the MTA*)
with this machine's paths, in a temporary config, queue and data directory.
"""

import os
import pwd
import re
import shutil
import smtplib
import socket
import subprocess
import tempfile
import threading
import time

from .loopback import find_binary, free_port, wait_for_ports

POSTFIX_BINARIES = ("/usr/sbin/postfix", "/usr/local/sbin/postfix")
MAILGATE = os.path.join(
    os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "mailgate",
    "crm_case_mailgate.py",
)
README = os.path.join(os.path.dirname(MAILGATE), os.pardir, "README.rst")
PIPE_USER = "nobody"
MAIN_CF = """
compatibility_level = 3.6
queue_directory = {base}/queue
data_directory = {base}/data
syslog_name = postfix-crm-case-test
maillog_file = {base}/maillog
maillog_file_prefixes = {base}
myhostname = mta.crm-case.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination
biff = no
# Deliver at once, and never retry on its own during a test: the test flushes.
queue_run_delay = 3600s
minimal_backoff_time = 3600s
maximal_backoff_time = 3600s
{readme_main_cf}
"""
MASTER_CF = """
127.0.0.1:{port} inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000    0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
{readme_master_cf}
"""


def readme_example(name):
    """The literal block that follows ``<name>`` in the README's MTA section."""
    with open(README, encoding="utf-8") as handle:
        text = handle.read()
    match = re.search(
        rf"^``{re.escape(name)}``[^\n]*::\n\n((?:    [^\n]*\n|\n)+)", text, re.M
    )
    if not match:
        raise RuntimeError(f"README.rst has no example for {name}")
    lines = [line[4:] for line in match.group(1).rstrip().splitlines()]
    return "\n".join(lines) + "\n"


class Forwarder:
    """A loopback TCP forwarder to Odoo that a test can stop and start again,
    as if Odoo itself stopped: connections to its port are then refused."""

    def __init__(self, target_port):
        self.target_port = target_port
        self.port = free_port()
        self.listener = None
        self.thread = None

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self.listener = listener
        self.thread = threading.Thread(target=self._accept, args=(listener,))
        self.thread.daemon = True
        self.thread.start()
        return self

    def stop(self):
        if self.listener:
            self.listener.shutdown(socket.SHUT_RDWR)
            self.listener.close()
            self.listener = None
            self.thread.join(timeout=10)

    def _accept(self, listener):
        while True:
            try:
                client, __ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(source, sink), daemon=True
                ).start()

    @staticmethod
    def _pump(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


class Postfix:
    """Start with ``start()``, stop with ``stop()``. Mail for ``domain`` goes
    through the pipe transport of the README's example into the mailgate."""

    def __init__(self, domain, odoo_url, database, login, password, section=None):
        self.base = tempfile.mkdtemp(prefix="crm_case_postfix_")
        self.config = os.path.join(self.base, "etc")
        self.port = free_port()
        self.domain = domain
        self.odoo_url = odoo_url
        self.database = database
        self.login = login
        self.password = password
        self.section = section
        self.started = False

    def binary(self):
        return find_binary(POSTFIX_BINARIES, "postfix")

    def _command(self, name):
        return os.path.join(os.path.dirname(self.binary()), name)

    def _mailgate_command(self):
        """The README's command line, with this machine's paths and server."""
        python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else None
        mailgate = os.path.join(self.base, "bin", "crm_case_mailgate.py")
        # The pipe runs as an unprivileged user, who may not read the checkout.
        os.makedirs(os.path.dirname(mailgate))
        shutil.copy(MAILGATE, mailgate)
        os.chmod(mailgate, 0o755)
        secret = os.path.join(self.base, "crm-case-mailgate.secret")
        with open(secret, "w", encoding="utf-8") as handle:
            handle.write(self.password + "\n")
        user = pwd.getpwnam(PIPE_USER)
        os.chown(secret, user.pw_uid, user.pw_gid)
        os.chmod(secret, 0o600)
        return {
            "/usr/local/bin/crm-case-mailgate": f"{python or 'python3'} {mailgate}",
            "http://localhost:8069": self.odoo_url,
            "--database odoo": f"--database {self.database}",
            "--user mailgate": f"--user {self.login}",
            "/etc/postfix/crm-case-mailgate.secret": secret,
            "user=odoo-mail": f"user={PIPE_USER}",
        }

    def _write_config(self):
        for folder in (self.config, os.path.join(self.base, "queue")):
            os.makedirs(folder)
        os.chmod(self.base, 0o755)
        master_cf = readme_example("/etc/postfix/master.cf")
        for old, new in self._mailgate_command().items():
            if old not in master_cf:
                raise RuntimeError(f"the README's master.cf lost {old!r}")
            master_cf = master_cf.replace(old, new)
        if self.section:
            master_cf = master_cf.rstrip("\n") + f" --section {self.section}\n"
        transport = readme_example("/etc/postfix/transport").replace(
            "cases.example.com", self.domain
        )
        readme_main_cf = (
            readme_example("/etc/postfix/main.cf")
            .replace("cases.example.com", self.domain)
            .replace("/etc/postfix/transport", os.path.join(self.config, "transport"))
        )
        files = {
            "main.cf": MAIN_CF.format(base=self.base, readme_main_cf=readme_main_cf),
            "master.cf": MASTER_CF.format(port=self.port, readme_master_cf=master_cf),
            "transport": transport,
        }
        for name, content in files.items():
            with open(os.path.join(self.config, name), "w") as handle:
                handle.write(content)

    def start(self):
        if not self.binary():
            raise RuntimeError("Postfix is not installed (Debian package postfix)")
        self._write_config()
        self._postfix("start")
        self.started = True
        if not wait_for_ports([self.port], 30):
            raise RuntimeError(f"Postfix did not listen in time: {self.log()}")
        return self

    def _postfix(self, *args):
        result = subprocess.run(
            [self.binary(), "-c", self.config, *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode:
            raise RuntimeError(
                f"postfix {' '.join(args)} failed: {result.stderr} {self.log()}"
            )
        return result

    def stop(self):
        if self.started:
            try:
                self._postfix("stop")
            except RuntimeError:
                self._postfix("abort")
            self.started = False
        shutil.rmtree(self.base, ignore_errors=True)

    def send(self, raw, recipients, sender="carla@customer.example.com"):
        """Send a mail by SMTP; return the queue id Postfix gave it."""
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        with smtplib.SMTP("127.0.0.1", self.port, timeout=30) as smtp:
            smtp.ehlo()
            smtp.mail(sender)
            for recipient in recipients:
                code, answer = smtp.rcpt(recipient)
                if code != 250:
                    raise AssertionError(f"Postfix refused {recipient}: {answer}")
            code, answer = smtp.data(raw)
        match = re.search(rb"queued as (\w+)", answer)
        if code != 250 or not match:
            raise AssertionError(f"Postfix did not queue the mail: {answer}")
        return match.group(1).decode()

    def flush(self):
        """Retry every deferred mail now (``postqueue -f``)."""
        subprocess.run(
            [self._command("postqueue"), "-c", self.config, "-f"],
            check=True,
            capture_output=True,
            timeout=60,
        )

    def queued(self):
        """The queue ids of the mails still in the queue."""
        result = subprocess.run(
            [self._command("postqueue"), "-c", self.config, "-j"],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )
        return re.findall(r'"queue_id": "(\w+)"', result.stdout)

    def log(self):
        path = os.path.join(self.base, "maillog")
        if not os.path.exists(path):
            return ""
        with open(path, errors="replace") as handle:
            return handle.read()

    def wait_for(self, pattern, timeout=60):
        """Wait until the mail log has a line matching ``pattern``; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            match = re.search(pattern, self.log(), re.M)
            if match:
                return match.group(0)
            time.sleep(0.2)
        raise AssertionError(
            f"Postfix logged no {pattern!r} in {timeout} s:\n{self.log()[-3000:]}"
        )
