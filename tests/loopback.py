"""What the throwaway mail servers of the tests share: finding their binary,
a free port on loopback, and waiting until they listen there."""

import os
import shutil
import socket
import time


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def find_binary(paths, name):
    """The first of ``paths`` that exists, else ``name`` on PATH (or None)."""
    for path in paths:
        if os.path.exists(path):
            return path
    return shutil.which(name)


def wait_for_ports(ports, timeout, check=None):
    """Whether every port of ``ports`` on 127.0.0.1 accepts a connection within
    ``timeout`` seconds; ``check`` is called before each try and may raise to
    give up early (a server that stopped)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check:
            check()
        try:
            for port in ports:
                socket.create_connection(("127.0.0.1", port), 1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False
