"""A real SMTP server for the notification tests: aiosmtpd in a thread of the test process.

It keeps what it received (the raw bytes, parsed with Python's email package) and refuses,
with a 550, any recipient whose address starts with "bounce". It can be stopped and started
again on the same port (the outage test)."""

import email
import email.policy
import socket
import threading
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self):
        self.received: list[EmailMessage] = []
        self.raw: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.received.append(message)
            self.raw.append(envelope.content)
        return "250 Message accepted for delivery"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = Handler()
        self.controller = None

    @property
    def raw(self) -> list[bytes]:
        return self.handler.raw

    @property
    def received(self) -> list[EmailMessage]:
        return self.handler.received

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def mailers(self) -> dict:
        return {"default": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                            "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 3}}}
