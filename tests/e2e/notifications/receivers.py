#!/usr/bin/env python3
"""The notifications' receivers for the e2e tests, on 127.0.0.1:

  receivers.py smtp PORT DIR      a real SMTP server (aiosmtpd, Debian's python3-aiosmtpd): each
                                  mail is written to DIR/<n>.eml
  receivers.py webhook PORT DIR SECRET
                                  an HTTP server: each POST is checked against its
                                  X-Cutover-Signature-256 (HMAC-SHA256 of the body with SECRET,
                                  compared in constant time) and written to DIR/<n>.json as
                                  {"path", "headers", "body", "signature_valid"}; answers 200
  receivers.py silent PORT        accepts connections and never answers (a receiver that hangs)

Each prints "ready" once listening and runs until killed.
"""
import asyncio
import hashlib
import hmac
import http.server
import itertools
import json
import os
import socket
import sys
import time


def smtp(port, folder):
    from aiosmtpd.controller import Controller

    counter = itertools.count(1)

    class Keep:
        async def handle_DATA(self, server, session, envelope):
            path = os.path.join(folder, f"{next(counter)}.eml")
            with open(path + ".tmp", "wb") as out:
                out.write(f"X-Envelope-From: {envelope.mail_from}\r\n".encode())
                out.write(f"X-Envelope-To: {','.join(envelope.rcpt_tos)}\r\n".encode())
                out.write(envelope.content)
            os.rename(path + ".tmp", path)
            return "250 OK"

    controller = Controller(Keep(), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    while True:
        time.sleep(3600)


def webhook(port, folder, secret):
    counter = itertools.count(1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            want = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
            got = self.headers.get("X-Cutover-Signature-256", "")
            record = {
                "path": self.path,
                "headers": dict(self.headers.items()),
                "body": json.loads(body or b"null"),
                "signature_valid": hmac.compare_digest(want, got),
            }
            path = os.path.join(folder, f"{next(counter)}.json")
            with open(path + ".tmp", "w") as out:
                json.dump(record, out)
            os.rename(path + ".tmp", path)
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print("ready", flush=True)
    server.serve_forever()


def silent(port):
    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(64)
    print("ready", flush=True)
    held = []
    while True:
        connection, _ = listener.accept()
        held.append(connection)  # never read, never answered, never closed


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "smtp":
        smtp(int(sys.argv[2]), sys.argv[3])
    elif mode == "webhook":
        webhook(int(sys.argv[2]), sys.argv[3], sys.argv[4])
    else:
        silent(int(sys.argv[2]))
