"""A Splunk HTTP Event Collector stand-in for the integration tests.

Accepts POSTs of HEC events (JSON objects, one after another), answers as Splunk does, and
writes one JSON line per event to --log: {"authorization", "answered", "event"}.
--fail-first N answers 503 to the first N requests. The port is written to --port-file.
"""
import argparse
import json
import threading
from http.server import BaseHTTPRequestHandler

from standin import serve


def split_events(body):
    decoder = json.JSONDecoder()
    text, position, events = body.decode("utf-8"), 0, []
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position >= len(text):
            return events
        event, position = decoder.raw_decode(text, position)
        events.append(event)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--fail-first", type=int, default=0)
    args = parser.parse_args()
    lock = threading.Lock()
    state = {"seen": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                state["seen"] += 1
                status = 503 if state["seen"] <= args.fail_first else 200
                try:
                    events = split_events(body)
                except ValueError:
                    events, status = [], 400
                with open(args.log, "a", encoding="utf-8") as log:
                    for event in events:
                        line = {"authorization": self.headers.get("Authorization"), "answered": status, "event": event}
                        log.write(json.dumps(line) + "\n")
            answer = json.dumps({"text": "Success" if status == 200 else "Server busy", "code": 0 if status == 200 else 9}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *_):
            pass

    serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
