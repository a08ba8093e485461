"""A fake upstream for the refresher's tests: an HTTP server on 127.0.0.1, on a
port chosen at run time, in a daemon thread of the test process (so it stops
when the tests do, and stop() ends it sooner). It serves fixtures shaped like
the real APIs (tests/fixtures/) and misbehaves on demand.

A route is a list of steps; each request to the route takes the next step and
the last one repeats. A step is a dict:
    status   HTTP status (200)
    body     bytes, or a callable(query: dict, headers) -> bytes
    type     Content-Type ("application/json"); None sends none
    headers  extra response headers
    delay    seconds to wait before answering (a timeout)
    drip     seconds between single bytes of the body (a slow drip)
    truncate send only this many bytes of the body, with the full Content-Length
    chunked  send the body chunked, without a Content-Length
    etag     answer 304 when If-None-Match carries it, else send it as ETag
"""
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FIXTURES = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "fixtures")


def fixture(path):
    with open(os.path.join(FIXTURES, path), "rb") as f:
        return f.read()


class Upstream:
    def __init__(self):
        self.routes = {}
        self.requests = []        # (path with query, headers dict)
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                upstream._serve(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass   # the refresher hangs up on purpose (size caps, timeouts)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path):
        return "http://127.0.0.1:%d%s" % (self.port, path)

    def route(self, path, *steps):
        with self.lock:
            self.routes[path] = [dict(s) for s in steps] or [{}]

    def seen(self, path):
        """Requests made to path (query ignored)."""
        return [r for r in self.requests if r[0].split("?")[0] == path]

    def stop(self):
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, h):
        parsed = urllib.parse.urlsplit(h.path)
        with self.lock:
            self.requests.append((h.path, dict(h.headers.items()), time.monotonic()))
            steps = self.routes.get(parsed.path)
            step = None
            if steps:
                step = steps[0] if len(steps) == 1 else steps.pop(0)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if step is None:
                return self._send(h, 404, b'{"detail":"Not Found"}', "application/json", {})
            if step.get("delay"):
                self.stopping.wait(step["delay"])
            body = step.get("body", b"")
            if callable(body):
                body = body(dict(urllib.parse.parse_qsl(parsed.query)), h.headers)
            headers = dict(step.get("headers", {}))
            etag = step.get("etag")
            if etag:
                if h.headers.get("If-None-Match") == etag:
                    return self._send(h, 304, b"", None, {"ETag": etag})
                headers["ETag"] = etag
            self._send(h, step.get("status", 200), body, step.get("type", "application/json"),
                       headers, step)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.in_flight -= 1

    def _send(self, h, status, body, ctype, headers, step=None):
        step = step or {}
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for k, v in headers.items():
            h.send_header(k, v)
        if step.get("chunked"):
            h.send_header("Transfer-Encoding", "chunked")
            h.end_headers()
            for i in range(0, len(body), 4096):
                part = body[i:i + 4096]
                h.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
            h.wfile.write(b"0\r\n\r\n")
            return
        h.send_header("Content-Length", str(len(body)))
        if step.get("truncate") is not None:
            h.send_header("Connection", "close")
        h.end_headers()
        if status == 304:
            return
        if step.get("truncate") is not None:
            h.wfile.write(body[:step["truncate"]])
            h.wfile.flush()
            h.close_connection = True
            return
        if step.get("drip"):
            for b in body:
                if self.stopping.wait(step["drip"]):
                    return
                h.wfile.write(bytes([b]))
                h.wfile.flush()
            return
        h.wfile.write(body)


def hapi_pages(rows_total, make_row):
    """A HAPI-shaped paged endpoint: offset/limit like the real service (limit
    defaults to 10000), {"data": [...]} bodies."""
    def body(query, headers):
        offset = int(query.get("offset", 0))
        limit = int(query.get("limit", 10000))
        rows = [make_row(i) for i in range(offset, min(offset + limit, rows_total))]
        return json.dumps({"data": rows}).encode()
    return body


def hapi_refugee_row(i):
    """Refugee rows with distinct asylum countries (AAA, AAB, ...), as HAPI shapes them."""
    code = "".join(chr(65 + (i // 26 ** k) % 26) for k in (2, 1, 0))
    return {
        "resource_hdx_id": "17acb541-9431-409a-80a8-50eda7e8ebab",
        "origin_location_ref": 201, "asylum_location_ref": 1000 + i,
        "population_group": "REF", "gender": "all", "age_range": "all",
        "min_age": None, "max_age": None, "population": 1000 + i,
        "reference_period_start": "2023-01-01T00:00:00",
        "reference_period_end": "2023-12-31T23:59:59",
        "origin_location_code": "SYR", "origin_location_name": "Syrian Arab Republic",
        "asylum_location_code": code, "asylum_location_name": "Country " + code,
    }
