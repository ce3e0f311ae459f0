"""`make up` restarts at once after Ctrl-C: the port probe ignores the old server's TIME_WAIT sockets."""

import socket

import pytest
from localcloud.server import PortBusy, check_port_free


def test_a_port_with_only_time_wait_sockets_is_free_and_a_listening_one_busy():
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as werkzeug's server binds
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    with pytest.raises(PortBusy):
        check_port_free("127.0.0.1", port)
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end of the connection sits in TIME_WAIT
    server.close()
    client.close()
    check_port_free("127.0.0.1", port)  # without SO_REUSEADDR: "Address already in use"
