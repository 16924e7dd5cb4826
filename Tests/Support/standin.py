"""What every stand-in server shares: signal handling, the port file, serving."""
import os
import signal
from http.server import ThreadingHTTPServer


def serve(handler, port_file):
    """Serves `handler` on 127.0.0.1 at a free port, announced through `port_file`."""
    # The test harness may start us with signals blocked (an inherited mask); SIGTERM must stop us.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    with open(port_file + ".tmp", "w", encoding="utf-8") as out:
        out.write(str(server.server_address[1]))
    # Renamed into place, so a reader never sees a half-written port.
    os.replace(port_file + ".tmp", port_file)
    server.serve_forever()
