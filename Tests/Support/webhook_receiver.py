"""A webhook receiver for the integration tests, standing in for a customer's endpoint.

Every request is checked with the `standardwebhooks` package (an implementation of the
Standard Webhooks scheme independent of ours) and written as one JSON line to --log:
{"id", "verified", "answered", "body"}. --fail-first N answers 503 to the first N requests;
--always-fail answers 503 to all. The chosen port is written to --port-file.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from standin import serve


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--secret", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--always-fail", action="store_true")
    args = parser.parse_args()

    verifier = Webhook(args.secret)
    lock = threading.Lock()
    state = {"seen": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {name.lower(): value for name, value in self.headers.items()}
            try:
                verifier.verify(body, headers)
                verified = True
            except WebhookVerificationError:
                verified = False
            with lock:
                state["seen"] += 1
                failing = args.always_fail or state["seen"] <= args.fail_first
                status = 503 if failing else 204
                try:
                    parsed = json.loads(body)
                except ValueError:
                    parsed = None
                line = {"id": headers.get("webhook-id"), "verified": verified, "answered": status, "body": parsed}
                with open(args.log, "a", encoding="utf-8") as log:
                    log.write(json.dumps(line) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_):
            pass

    serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
