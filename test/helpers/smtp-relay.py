"""A real SMTP relay for the e-mail functional tests, in its own process (Debian's python3-aiosmtpd).

Usage: /usr/bin/python3 smtp-relay.py HOST PORT DIRECTORY

Accepts every message and saves it, exactly as received, as DIRECTORY/<n>.eml (written to a
temporary name, then renamed, so a reader never sees half a message), with the envelope in two
headers put in front: X-Relay-Mail-From and X-Relay-Rcpt-To. Prints "ready" once it listens and
runs until it is killed.
"""

import itertools
import os
import signal
import sys
import threading
import time

from aiosmtpd.controller import Controller


class SaveToDirectory:
    def __init__(self, directory):
        self.directory = directory
        self.counter = itertools.count(1)

    async def handle_DATA(self, server, session, envelope):
        name = f"{time.time_ns()}-{next(self.counter):06d}"
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        head = (
            f"X-Relay-Mail-From: {envelope.mail_from}\r\n"
            f"X-Relay-Rcpt-To: {', '.join(envelope.rcpt_tos)}\r\n"
        ).encode("utf-8")
        temp = os.path.join(self.directory, f".{name}.tmp")
        with open(temp, "wb") as out:
            out.write(head + content)
        os.rename(temp, os.path.join(self.directory, f"{name}.eml"))
        return "250 OK saved"


def main():
    host, port, directory = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    os.makedirs(directory, exist_ok=True)
    controller = Controller(SaveToDirectory(directory), hostname=host, port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
