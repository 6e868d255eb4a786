"""R4: the suite itself refuses any connection that leaves the machine."""

import socket

import pytest

from conftest import NonLoopbackConnection


def test_it_blocks_a_non_loopback_connection():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NonLoopbackConnection):
            sock.connect(("192.0.2.10", 80))
    finally:
        sock.close()


def test_it_allows_loopback():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket()
    try:
        client.connect(server.getsockname())
    finally:
        client.close()
        server.close()
