"""The contract checker can fail: run against the real service through a proxy that
breaks one shape of docs/DESIGN.md at a time, it must exit 1 and name what broke.
(test_api.py runs it against the service as it is, where it must pass.)"""
import http.client
import http.server
import json
import subprocess
import sys
import threading
import unittest

from harness import CONTRACT_CHECK, ServiceTestCase


def figures(d):
    """Every figure object in an answer (lists, one figure, summary claims)."""
    data = d.get("data") if isinstance(d, dict) else None
    items = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
    for x in items:
        if isinstance(x, dict) and "qualifier" in x and "id" in x:
            yield x
        for c in (x.get("claims") or []) if isinstance(x, dict) else []:
            yield c


def drop_withdrawn(path, d):
    for f in figures(d):
        f.pop("withdrawn", None)


def value_as_text(path, d):
    for f in figures(d):
        f["value"] = str(f["value"])


def unknown_qualifier(path, d):
    for f in figures(d):
        f["qualifier"] = "roughly"


def no_next_cursor(path, d):
    if isinstance(d, dict) and isinstance(d.get("meta"), dict):
        d["meta"].pop("next_cursor", None)


def source_type(path, d):
    for f in figures(d):
        f["source"]["type"] = "blogger"


def error_without_parameter(path, d):
    if isinstance(d, dict) and isinstance(d.get("error"), dict):
        del d["error"]["parameter"]


def feed_stale_as_text(path, d):
    if path.startswith("/v1/feeds"):
        for f in d["data"]:
            f["stale"] = "no"


def change_kind(path, d):
    if path.startswith("/v1/changes") and isinstance(d.get("data"), list):
        for c in d["data"]:
            c["kind"] = "edited"


def added_with_old(path, d):
    if path.startswith("/v1/changes") and isinstance(d.get("data"), list):
        for c in d["data"]:
            c["old"] = c["new"]


class Proxy(http.server.ThreadingHTTPServer):
    """Forwards to the service, passing each JSON body through self.mutate."""
    daemon_threads = True

    def __init__(self, upstream_port):
        super().__init__(("127.0.0.1", 0), Handler)
        self.upstream_port, self.mutate = upstream_port, None


class Handler(http.server.BaseHTTPRequestHandler):
    def forward(self):
        c = http.client.HTTPConnection("127.0.0.1", self.server.upstream_port, timeout=10)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
        c.request(self.command, self.path, headers=headers)
        r = c.getresponse()
        body = r.read()
        c.close()
        if self.server.mutate and (r.getheader("content-type") or "").startswith("application/json"):
            d = json.loads(body)
            self.server.mutate(self.path, d)
            body = json.dumps(d).encode()
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "date",
                                 "server"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_DELETE = forward

    def log_message(self, *args):
        pass


class ContractCheckCanFail(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.proxy = Proxy(cls.svc.port)
        threading.Thread(target=cls.proxy.serve_forever, daemon=True).start()

    @classmethod
    def tearDownClass(cls):
        cls.proxy.shutdown()
        cls.proxy.server_close()
        super().tearDownClass()

    def check(self, mutate):
        self.proxy.mutate = mutate
        return subprocess.run([sys.executable, CONTRACT_CHECK,
                               "http://127.0.0.1:%d" % self.proxy.server_address[1]],
                              capture_output=True, text=True, timeout=120)

    def test_the_proxy_alone_changes_nothing(self):
        p = self.check(None)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("contract holds", p.stdout)

    def test_each_broken_shape_fails_naming_it(self):
        for mutate, needle in ((drop_withdrawn, "missing ['withdrawn']"),
                               (value_as_text, "value='"),
                               (unknown_qualifier, "qualifier='roughly'"),
                               (no_next_cursor, "missing ['next_cursor']"),
                               (source_type, "type='blogger'"),
                               (error_without_parameter, "missing ['parameter']"),
                               (feed_stale_as_text, "stale='no'"),
                               (change_kind, "kind='edited'"),
                               (added_with_old, "old and new as its kind says")):
            with self.subTest(mutate.__name__):
                p = self.check(mutate)
                self.assertEqual(p.returncode, 1, p.stdout[-2000:] + p.stderr)
                self.assertIn(needle, p.stdout)
                self.assertRegex(p.stdout, r"\d+ check\(s\) fail")


if __name__ == "__main__":
    unittest.main()
