"""A throwaway Dovecot IMAP and POP3 server on loopback, for end-to-end tests."""

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import tempfile

from .loopback import find_binary, free_port, wait_for_ports

DOVECOT_BINARIES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
CONFIG = """
protocols = imap pop3
listen = 127.0.0.1
base_dir = {base}/run
state_dir = {base}/state
instance_name = crm_case_test_{port_imap}
default_login_user = {user}
default_internal_user = {user}
default_internal_group = {group}
log_path = {base}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = {uid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {base}/passwd
}}
userdb {{
  driver = passwd-file
  args = {base}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port_imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  chroot =
  inet_listener pop3 {{
    address = 127.0.0.1
    port = {port_pop}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
protocol pop3 {{
  pop3_uidl_format = %08Xu%08Xv
}}
"""


class Dovecot:
    """Start with ``start()``, stop with ``stop()``; one mailbox per login."""

    password = "crm-case-secret"

    def __init__(self):
        self.base = tempfile.mkdtemp(prefix="crm_case_dovecot_")
        self.port_imap = free_port()
        self.port_pop = free_port()
        self.process = None
        if os.geteuid() == 0:
            # Dovecot refuses to give mail access to root: run as nobody.
            self.user, self.group = (
                "nobody",
                grp.getgrgid(pwd.getpwnam("nobody").pw_gid).gr_name,
            )
        else:
            self.user = pwd.getpwuid(os.geteuid()).pw_name
            self.group = grp.getgrgid(os.getegid()).gr_name
        self.uid = pwd.getpwnam(self.user).pw_uid
        self.gid = grp.getgrnam(self.group).gr_gid

    def binary(self):
        return find_binary(DOVECOT_BINARIES, "dovecot")

    def start(self, logins):
        for folder in ("run", "state", "mail"):
            os.makedirs(os.path.join(self.base, folder))
        os.chmod(self.base, 0o755)
        with open(os.path.join(self.base, "passwd"), "w") as passwd:
            for login in logins:
                home = os.path.join(self.base, "mail", login)
                os.makedirs(home)
                if os.geteuid() == 0:
                    os.chown(home, self.uid, self.gid)
                passwd.write(
                    f"{login}:{{PLAIN}}{self.password}:{self.uid}:{self.gid}::{home}\n"
                )
        config = os.path.join(self.base, "dovecot.conf")
        with open(config, "w") as handle:
            handle.write(
                CONFIG.format(
                    base=self.base,
                    port_imap=self.port_imap,
                    port_pop=self.port_pop,
                    user=self.user,
                    group=self.group,
                    uid=min(self.uid, 500),
                )
            )
        self.process = subprocess.Popen(
            [self.binary(), "-F", "-c", config],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        ports = [self.port_imap, self.port_pop]
        if not wait_for_ports(ports, 20, check=self._raise_if_stopped):
            raise RuntimeError(f"Dovecot did not listen in time: {self.log()}")
        return self

    def _raise_if_stopped(self):
        if self.process.poll() is not None:
            error = self.process.stderr.read().decode()
            raise RuntimeError(f"Dovecot stopped: {error} {self.log()}")

    def log(self):
        path = os.path.join(self.base, "dovecot.log")
        if not os.path.exists(path):
            return ""
        with open(path) as handle:
            return handle.read()[-2000:]

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        if self.process and self.process.stderr:
            self.process.stderr.close()
        shutil.rmtree(self.base, ignore_errors=True)

    def imap(self, login):
        connection = imaplib.IMAP4("127.0.0.1", self.port_imap)
        connection.login(login, self.password)
        return connection

    def deliver(self, login, *raw_messages):
        """Put mails in the INBOX of ``login`` (IMAP APPEND), unseen."""
        connection = self.imap(login)
        try:
            for raw in raw_messages:
                if isinstance(raw, str):
                    raw = raw.encode("utf-8")
                connection.append("INBOX", None, None, raw.replace(b"\n", b"\r\n"))
        finally:
            connection.logout()

    def flags(self, login):
        """The flags of each mail of the INBOX of ``login``, in order."""
        connection = self.imap(login)
        try:
            __, count = connection.select("INBOX", readonly=True)
            if not int(count[0]):
                return []
            __, data = connection.fetch("1:*", "(FLAGS)")
        finally:
            connection.logout()
        return [
            set(item.decode().split("FLAGS (", 1)[1].split(")", 1)[0].split())
            for item in data
        ]

    def empty(self, login):
        """Delete every mail of the INBOX of ``login``."""
        connection = self.imap(login)
        try:
            __, count = connection.select("INBOX")
            if int(count[0]):
                connection.store("1:*", "+FLAGS", "\\Deleted")
                connection.expunge()
        finally:
            connection.logout()

    def count(self, login):
        connection = self.imap(login)
        try:
            __, data = connection.select("INBOX", readonly=True)
        finally:
            connection.logout()
        return int(data[0])
