"""A watched document for the integration tests (a provider's pricing page, say).

Serves the current contents of --content-file with an ETag, answers 304 to a matching
If-None-Match, and writes one JSON line per request to --log: {"conditional", "answered"}.
With --hang it never answers (a document server that stopped responding), and logs
{"hanging": true} for each request it holds. The port is written to --port-file.
"""
import argparse
import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler

from standin import serve


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--log", required=True)
    parser.add_argument("--port-file", required=True)
    parser.add_argument("--content-file", required=True)
    parser.add_argument("--hang", action="store_true")
    args = parser.parse_args()
    lock = threading.Lock()
    never = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if args.hang:
                with lock, open(args.log, "a", encoding="utf-8") as log:
                    log.write(json.dumps({"hanging": True}) + "\n")
                never.wait()
                return
            with open(args.content_file, "rb") as source:
                content = source.read()
            etag = '"' + hashlib.sha256(content).hexdigest()[:16] + '"'
            conditional = self.headers.get("If-None-Match")
            status = 304 if conditional == etag else 200
            with lock, open(args.log, "a", encoding="utf-8") as log:
                log.write(json.dumps({"conditional": conditional is not None, "answered": status}) + "\n")
            self.send_response(status)
            self.send_header("ETag", etag)
            if status == 200:
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            else:
                self.end_headers()

        def log_message(self, *_):
            pass

    serve(Handler, args.port_file)


if __name__ == "__main__":
    main()
