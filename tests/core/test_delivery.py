"""The worker's delivery keeps one SMTP connection open from message to message (core/delivery.py)."""

from refectoire.core import delivery


def _raw(subject: str) -> bytes:
    return f"Subject: {subject}\r\nTo: parent@example.fr\r\n\r\nCorps.\r\n".encode()


def test_messages_share_one_connection_and_all_arrive(smtp_delivery):
    delivery.close_delivery_connection()
    for index in range(3):
        assert delivery.deliver_raw(
            raw=_raw(f"Message {index}"), from_email="cde@example.fr", recipients=["parent@example.fr"]
        )
        if index == 0:
            first = delivery._connection().connection
    assert delivery._connection().connection is first
    assert [message["Subject"] for message in smtp_delivery.messages] == [
        "Message 0",
        "Message 1",
        "Message 2",
    ]
    delivery.close_delivery_connection()


def test_a_connection_dropped_by_the_server_is_opened_again(smtp_delivery):
    delivery.close_delivery_connection()
    delivery.deliver_raw(raw=_raw("Avant"), from_email="cde@example.fr", recipients=["parent@example.fr"])
    delivery._connection().connection.sock.close()  # the server side is gone (idle time-out, restart)
    delivery.deliver_raw(raw=_raw("Après"), from_email="cde@example.fr", recipients=["parent@example.fr"])
    assert [message["Subject"] for message in smtp_delivery.messages] == ["Avant", "Après"]
    delivery.close_delivery_connection()


def test_a_change_of_server_opens_a_new_connection(settings, smtp_delivery):
    delivery.close_delivery_connection()
    delivery.deliver_raw(raw=_raw("Un"), from_email="cde@example.fr", recipients=["parent@example.fr"])
    first = delivery._connection()
    settings.EMAIL_PORT = 1  # nothing listens there: the kept connection must not be used
    try:
        delivery.deliver_raw(raw=_raw("Deux"), from_email="cde@example.fr", recipients=["parent@example.fr"])
    except OSError:
        pass
    else:
        raise AssertionError("a message was delivered to a server that does not exist")
    assert getattr(delivery._open, "connection", None) is not first
    assert [message["Subject"] for message in smtp_delivery.messages] == ["Un"]
