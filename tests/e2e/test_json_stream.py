"""The JSON adapters read a page as a stream (issue 15, item 2): the refresher's memory is
bounded by one row, not by the page. cJSON once parsed a page whole: a 60 MB page of tiny
elements, under the 64 MB --max-bytes cap, cost 2.4 GB. Here each JSON adapter imports such a
page through a figures-refresh --import child whose peak RSS (os.wait4) must stay under 64 MB.

Rows reach the feed's spool as they stream, so a page that fails after its rows (an envelope
saying the request failed, a body cut short) must still write nothing, and a page retried after
a transfer that died mid-body must not keep the first attempt's rows."""
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import unittest

from harness import BIN, ROOT, Service, ServiceTestCase, refresh

REAL = os.path.join(ROOT, "tests", "fixtures", "real")
SIZE = 60 * 1024 * 1024   # under the default --max-bytes, 64 MiB
RSS_MAX_MB = 64
# The sanitizers' shadow memory and quarantine of freed blocks: no bound on RSS in that build.
SANITIZED = "ASAN_OPTIONS" in os.environ


def real_json(*path):
    with open(os.path.join(REAL, *path), encoding="utf-8") as f:
        return json.load(f)


def dumps(v):
    return json.dumps(v).encode()


def tiny(prefix, suffix, unit=b"0,", last=b"0"):
    """The parts of a page: prefix, tiny elements up to SIZE bytes in all, suffix."""
    n = (SIZE - len(prefix) - len(suffix) - len(last)) // len(unit)
    yield prefix
    for _ in range(n // 65536):
        yield unit * 65536
    yield unit * (n % 65536) + last + suffix


def figures(n):
    """A ReliefWeb file of n distinct figures named IDPs (a name the table reads)."""
    yield b"["
    for i in range(n):
        yield b'%s{"name": "IDPs", "value": "%d", "date": "2020-01-31"}' % (b"," if i else b"", i)
    yield b"]"


# A row of each adapter from its real payloads (tests/fixtures/real/README.md).
HAPI_ROW = real_json("hapi", "idps-hdx_hapi_idps_global-sample.json")["data"][0]
UNHCR_ITEM = real_json("unhcr", "population-coa-TUR-2024-limit5.json")["items"][0]
DTM = real_json("dtm", "displacement-admin0-admin0pcode-afg.json")
RW_FIGURE = real_json("reliefweb", "world", "SYR.json")[0]

# adapter: (--organisation, extra arguments)
ARGS = {
    "hapi": ("IOM DTM", ()),
    "unhcr": ("UNHCR", ()),
    "dtm": ("IOM DTM", ()),
    "reliefweb": ("ReliefWeb", ("--country", "SYR")),
}

# Pages of 60 MB of tiny elements, each adapter's: one row holding them all (a bound fails
# the page, naming the row), and a member nobody reads holding them beside real rows (skipped
# as it streams: the page imports as the rows would alone). HAPI's and UNHCR's also come as
# millions of tiny rows that claim nothing (a null population, a year without counts), each
# built and freed in turn. ReliefWeb's body is its array of figures: its second page is
# 100,000 distinct figures of a name the table reads, then more, past the bound on what is
# remembered of earlier figures.
PAGES = {
    ("hapi", "one row"): (lambda: tiny(b'{"data": [[', b']]}'), 1,
                          "row 1 of the JSON page is larger"),
    ("hapi", "beside the rows"): (
        lambda: tiny(b'{"data": [' + dumps(HAPI_ROW) + b'], "padding": [', b"]}"), 0,
        "1 added"),
    ("hapi", "many rows"): (
        lambda: tiny(b'{"data": [', b"]}", b'{"population": null},', b'{"population": null}'),
        0, "0 added"),
    ("unhcr", "one row"): (lambda: tiny(b'{"page": 1, "items": [[', b"]]}"), 1,
                           "row 1 of the JSON page is larger"),
    ("unhcr", "beside the rows"): (
        lambda: tiny(b'{"page": 1, "items": [' + dumps(UNHCR_ITEM) + b'], "padding": [',
                     b'], "maxPages": 1}'), 0, "2 added"),
    ("unhcr", "many rows"): (
        lambda: tiny(b'{"page": 1, "items": [', b"]}", b'{"year": 2024},', b'{"year": 2024}'),
        0, "0 added"),
    ("dtm", "one row"): (lambda: tiny(b'{"result": [[', b']], "isSuccess": true}'), 1,
                         "row 1 of the JSON page is larger"),
    ("dtm", "beside the rows"): (
        lambda: tiny(b'{"result": ' + dumps(DTM["result"]) + b', "padding": [',
                     b'], "statusCode": 200, "isSuccess": true, "errorMessages": [], '
                     b'"totalRecordsCount": 133}'), 0, "133 added"),
    ("reliefweb", "one row"): (lambda: tiny(b"[[", b"]]"), 1,
                               "row 1 of the JSON page is larger"),
    ("reliefweb", "many figures"): (
        lambda: figures(SIZE // 64),
        1, "more than 100000 distinct key figures"),
}


# Runs a command in a grandchild and prints its exit code and peak RSS (kB). Linux counts in a
# child's peak the peak of the process it was forked from (this test's, which wrote 60 MB
# pages): this fresh interpreter's is a few MB.
MEASURE = """
import ctypes, os, signal, sys
pid = os.fork()
if pid == 0:
    ctypes.CDLL("libc.so.6").prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG: gone with us
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def import_rss(db, adapter, path, feed):
    """figures-refresh --import path as feed: (exit code, its log, its peak RSS in MB)."""
    org, extra = ARGS[adapter]
    log = path + ".log"
    with open(log, "wb") as err:
        p = subprocess.run([sys.executable, "-c", MEASURE, os.path.join(BIN, "figures-refresh"),
                            "--db", db, "--import", path, "--feed", feed, "--adapter", adapter,
                            "--organisation", org, "--type", "un", *extra],
                           stdout=subprocess.PIPE, stderr=err, check=True,
                           timeout=300)   # the old parser took gigabytes, and minutes
    with open(log, encoding="utf-8", errors="replace") as f:
        text = f.read()
    code, rss = p.stdout.split()
    return int(code), text, int(rss) / 1024


class JsonPagesInBoundedMemory(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="figures-json-stream-")
        self.db = os.path.join(self.tmp, "figures.db")
        refresh(self.db, "--migrate")

    def tearDown(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_a_60_mb_page_of_tiny_elements_stays_under_64_mb(self):
        for n, ((adapter, shape), (body, rc, says)) in enumerate(PAGES.items()):
            with self.subTest(adapter=adapter, shape=shape):
                path = os.path.join(self.tmp, "%s-%d.json" % (adapter, n))
                with open(path, "wb") as f:
                    for part in body():
                        f.write(part)
                self.assertLessEqual(os.path.getsize(path), SIZE)
                code, log, rss = import_rss(self.db, adapter, path, "%s-%d" % (adapter, n))
                os.remove(path)
                if not SANITIZED:
                    self.assertLess(rss, RSS_MAX_MB,
                                    "%s, %s: peak RSS %.0f MB" % (adapter, shape, rss))
                self.assertEqual(code, rc, log)
                self.assertIn(says, log)


class FailedPagesWriteNothing(ServiceTestCase):
    """A page's rows are spooled as they stream; only a whole, good payload is written."""

    SERVICE = dict(seed=False)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = tempfile.mkdtemp(prefix="figures-json-fail-")

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def write(self, name, body):
        path = os.path.join(self.tmp, name)
        with open(path, "wb") as f:
            f.write(body)
        return path

    def imp(self, feed, adapter, path, check=True):
        org, extra = ARGS[adapter]
        return refresh(self.svc.db, "--import", path, "--feed", feed, "--adapter", adapter,
                       "--organisation", org, "--type", "un", *extra, check=check)

    def figures(self, feed):
        d = self.svc.get("/v1/figures?feed=%s&limit=1000&include=withdrawn" % feed).json()
        return d["data"]

    def feed(self, code):
        return [f for f in self.svc.get("/v1/feeds").json()["data"] if f["id"] == code][0]

    def test_an_envelope_failing_after_the_rows_writes_none_of_them(self):
        good = self.write("dtm-good.json", dumps(DTM))
        self.imp("dtm-afg", "dtm", good)
        before = {f["id"]: f["value"] for f in self.figures("dtm-afg")}
        self.assertEqual(len(before), 133)
        # every row changed and one more, then DTM says the request failed
        rows = [dict(r, numPresentIdpInd=r["numPresentIdpInd"] + 1) for r in DTM["result"]]
        rows.append(dict(DTM["result"][0], operation="Another operation"))
        for name, envelope in [
                ("failed", {"statusCode": 500, "isSuccess": False,
                            "errorMessages": ["Internal error"], "totalRecordsCount": 134}),
                ("miscounted", {"statusCode": 200, "isSuccess": True, "errorMessages": [],
                                "totalRecordsCount": 200})]:
            with self.subTest(name):
                bad = self.write("dtm-%s.json" % name, dumps(dict({"result": rows}, **envelope)))
                p = self.imp("dtm-afg", "dtm", bad, check=False)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("feed dtm-afg: failed, its last good data kept", p.stderr)
                self.assertIn("Internal error" if name == "failed" else
                              "totalRecordsCount is 200 but its result holds 134 rows", p.stderr)
                self.assertEqual({f["id"]: f["value"] for f in self.figures("dtm-afg")}, before)
                self.assertTrue(self.feed("dtm-afg")["stale"])

    def test_a_page_cut_short_after_its_rows_writes_none_of_them(self):
        page = real_json("hapi", "idps-hdx_hapi_idps_global-sample.json")
        rows = page["data"]
        self.imp("hapi-idps", "hapi", self.write("hapi-good.json", dumps({"data": rows[:10]})))
        before = {f["id"]: f["value"] for f in self.figures("hapi-idps")}
        self.assertEqual(len(before), 10)
        body = dumps({"data": rows})
        cut = self.write("hapi-cut.json", body[:-2])   # every row whole; no "]}"
        p = self.imp("hapi-idps", "hapi", cut, check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("malformed JSON near byte %d" % (len(body) - 2), p.stderr)
        self.assertEqual({f["id"]: f["value"] for f in self.figures("hapi-idps")}, before)


class _HalfThenStall(http.server.BaseHTTPRequestHandler):
    """Sends the first request half its body, then stalls past the refresher's timeout;
    later requests get the whole body."""
    protocol_version = "HTTP/1.1"
    body = b""
    requests = 0
    release = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        cls = type(self)
        cls.requests += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(cls.body)))
        self.end_headers()
        if cls.requests == 1:
            try:
                self.wfile.write(cls.body[:len(cls.body) // 2])
                self.wfile.flush()
            except OSError:
                return
            cls.release.wait(30)
            self.close_connection = True
            return
        self.wfile.write(cls.body)


class RetriedPageKeepsOneCopy(unittest.TestCase):
    def setUp(self):
        self.svc = Service(seed=False)
        self.svc.start()
        rows = real_json("hapi", "idps-hdx_hapi_idps_global-sample.json")["data"][:200]
        _HalfThenStall.body = dumps({"data": rows})
        _HalfThenStall.requests = 0
        _HalfThenStall.release.clear()
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _HalfThenStall)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def tearDown(self):
        _HalfThenStall.release.set()
        self.server.shutdown()
        self.server.server_close()
        self.svc.stop()

    def test_rows_of_a_timed_out_attempt_are_not_written_twice(self):
        url = "http://127.0.0.1:%d/api/v1/affected-people/idps?limit=1000" % (
            self.server.server_address[1])
        refresh(self.svc.db, "--add-feed", "hapi", "--adapter", "hapi", "--url", url,
                "--organisation", "IOM DTM", "--type", "un")
        p = refresh(self.svc.db, "--timeout", "3", "--retries", "1", "--retry-delay", "0.1",
                    check=False)
        self.assertEqual(_HalfThenStall.requests, 2, p.stderr)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("retrying", p.stderr)
        # the first attempt's rows were spooled as they came, then dropped with the attempt
        self.assertIn("feed hapi: ok: 200 added, 0 changed, 0 unchanged, 0 rejected", p.stderr)


if __name__ == "__main__":
    unittest.main()
