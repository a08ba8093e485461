"""Issue 15, items 3 and 8: an upstream that is slow on purpose, or answers with
hostile validators, or a refresher whose temporary directory is full. Each test
reproduces what went wrong before and asserts what survives now: the other
feeds' data, the feed's last good data, a clear last_error."""
import os
import sqlite3
import subprocess
import tempfile
import time
import unittest

from harness import BIN, SEED, Service, refresh
from upstream import Upstream

FAST = ["--timeout", "2", "--connect-timeout", "2", "--retries", "2", "--retry-delay", "0.1"]
CSV = "text/csv"
with open(SEED, "rb") as _f:
    GOOD = _f.read()
CHANGED = GOOD.replace(b",,100,,exact,", b",,150,,exact,")


def big_csv(rows):
    """An HXL CSV of `rows` distinct figures (about 60 bytes a row)."""
    lines = ["Reported,As of,Country,Location code,Location,Source,Killed",
             "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#affected+killed"]
    lines += ["2020-01-01,2020-01-01,SYR,place-%d,Place %d,Monitor,%d" % (i, i, i) for i in range(rows)]
    return ("\r\n".join(lines) + "\r\n").encode()


class Base(unittest.TestCase):
    def setUp(self):
        self.svc = Service(seed=False)
        self.svc.start()
        self.up = Upstream()

    def tearDown(self):
        self.up.stop()
        self.svc.stop()

    def add(self, feed, path, adapter="hxl"):
        refresh(self.svc.db, "--add-feed", feed, "--adapter", adapter, "--url", self.up.url(path),
                "--organisation", "Test NGO", "--type", "ngo")

    def run_refresh(self, *args, env=None):
        return refresh(self.svc.db, *FAST, *args, check=False, env=env)

    def total(self, feed):
        return self.svc.get("/v1/figures?feed=%s&include=withdrawn" % feed).json()["meta"]["total"]

    def feed(self, code):
        return [f for f in self.svc.get("/v1/feeds").json()["data"] if f["id"] == code][0]

    def stored_validators(self, code):
        with sqlite3.connect(self.svc.db) as c:
            return c.execute("SELECT etag, last_modified FROM feed WHERE code = ?", (code,)).fetchone()

    def good_first(self, path="/feed.csv", *later):
        """Registers feed 'ngo' and loads the seed once, so there is good data to keep."""
        self.up.route(path, {"body": GOOD, "type": CSV}, *later)
        self.add("ngo", path)
        p = self.run_refresh()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.total("ngo"), 10)

    def assert_kept_and_stale(self, p, needle, code="ngo", total=10):
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("feed %s: failed, its last good data kept" % code, p.stderr)
        self.assertIn(needle, p.stderr)
        self.assertEqual(self.total(code), total, "the last good data must be kept")
        f = self.feed(code)
        self.assertTrue(f["stale"])
        self.assertIn(needle, f["last_error"])


class SlowFeed(Base):
    """Item 3: one slow feed must not hold the others back, nor run for ever."""

    def test_a_fast_feed_is_readable_while_a_slow_one_still_drips(self):
        # about 200 bytes a second: above the low-speed limit, so nothing times out soon
        self.up.route("/slow.csv", {"drip": 0.005, "body": big_csv(2000), "type": CSV})
        self.up.route("/fast.csv", {"body": GOOD, "type": CSV})
        self.add("slow", "/slow.csv")
        self.add("fast", "/fast.csv")
        p = subprocess.Popen([os.path.join(BIN, "figures-refresh"), "--db", self.svc.db],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            readable = False
            for _ in range(600):                       # generous: the machine is loaded
                if self.total("fast") == 10:
                    readable = True
                    break
                if p.poll() is not None:
                    break
                time.sleep(0.1)
            still_dripping = p.poll() is None and self.up.in_flight >= 1
            self.assertTrue(readable, "the fast feed's data never became readable")
            self.assertTrue(still_dripping, "the fast feed was written only once the slow one "
                            "had finished: one slow feed held it back")
            self.assertEqual(self.total("slow"), 0)
            self.assertFalse(self.feed("fast")["stale"])
        finally:
            p.kill()                                   # the refresher this test started
            p.wait()
        # killed mid-transfer: the slow feed has nothing half-written, and the lock is free
        self.assertEqual(self.total("slow"), 0)
        with sqlite3.connect(self.svc.db) as c:
            self.assertEqual(c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
        self.up.route("/slow.csv", {"body": GOOD, "type": CSV})
        q = self.run_refresh("--only", "slow")
        self.assertEqual(q.returncode, 0, q.stderr)

    def test_the_deadline_fails_a_dripping_feed_and_spares_the_others(self):
        self.up.route("/slow.csv", {"drip": 0.005, "body": big_csv(2000), "type": CSV})
        self.up.route("/fast.csv", {"body": GOOD, "type": CSV})
        self.add("slow", "/slow.csv")
        self.add("fast", "/fast.csv")
        p = refresh(self.svc.db, "--feed-deadline", "10", check=False)   # room for the fast feed on a loaded machine
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("feed fast: ok: 10 added", p.stderr)
        self.assertIn("feed slow: failed", p.stderr)
        f = self.feed("slow")
        self.assertTrue(f["stale"])
        self.assertIn("did not finish within its deadline of 10 s (--feed-deadline)", f["last_error"])
        self.assertIn("page 1", f["last_error"])
        self.assertEqual((self.total("fast"), self.total("slow")), (10, 0))

    def test_the_deadline_bounds_every_retry_of_every_page(self):
        # every attempt times out; ten retries would take minutes, the deadline ends them
        self.good_first("/feed.csv", {"delay": 30, "body": GOOD, "type": CSV})
        p = self.run_refresh("--force", "--timeout", "2", "--retries", "10", "--retry-delay", "1",
                             "--feed-deadline", "5")
        self.assert_kept_and_stale(p, "did not finish within its deadline of 5 s")
        self.assertLess(len(self.up.seen("/feed.csv")) - 1, 11, "the deadline ended the retries")

    def test_a_retry_after_beyond_the_deadline_fails_at_once(self):
        self.good_first("/feed.csv", {"status": 503, "body": b"busy", "headers": {"Retry-After": "60"}})
        p = self.run_refresh("--force", "--feed-deadline", "30")
        self.assert_kept_and_stale(p, "the server asks to wait 60 s")
        self.assertIn("beyond the feed's deadline", p.stderr)
        self.assertEqual(len(self.up.seen("/feed.csv")), 2, "no retry: one good fetch, one 503")

    def test_an_absurd_retry_after_fails_at_once(self):
        for i, value in enumerate(("99999999999999999999", "Wed, 21 Oct 2999 07:28:00 GMT")):
            with self.subTest(value=value):
                path, code = "/ra-%d.csv" % i, "ra%d" % i
                self.up.route(path, {"body": GOOD, "type": CSV},
                              {"status": 503, "body": b"busy", "headers": {"Retry-After": value}})
                self.add(code, path)
                self.assertEqual(self.run_refresh("--only", code).returncode, 0)
                p = self.run_refresh("--only", code)
                self.assert_kept_and_stale(p, "the server asks to wait", code=code)
                self.assertIn(value, p.stderr)
                self.assertEqual(len(self.up.seen(path)), 2, "no retry: one good fetch, one 503")


class Validators(Base):
    """Item 8: what comes back from upstream as a validator must be a header value."""

    def test_a_validator_with_cr_or_lf_is_neither_stored_nor_sent(self):
        for name, etag, modified in (
                ("CR", '"v1"\rX-Injected: etag', "Mon, 01 Jan 2024 00:00:00 GMT\rX-Injected: lm"),
                ("folded", '"v1"\r\n\tX-Injected: etag', "Mon, 01 Jan 2024 00:00:00 GMT\r\n X-Injected: lm"),
                ("too long", '"' + "a" * 400 + '"', "Mon, 01 Jan 2024 00:00:00 GMT" + " " * 40 + "x")):
            with self.subTest(name):
                path = "/v-%d.csv" % len(name)
                code = "v%d" % len(name)
                self.up.route(path, {"body": GOOD, "type": CSV,
                                     "headers": {"ETag": etag, "Last-Modified": modified}})
                self.add(code, path)
                p = self.run_refresh("--only", code)
                self.assertEqual(p.returncode, 0, p.stderr)
                self.assertIn("feed %s: ignoring the ETag" % code, p.stderr)
                self.assertIn("feed %s: ignoring the Last-Modified" % code, p.stderr)
                self.assertEqual(self.stored_validators(code), (None, None))
                self.run_refresh("--only", code)
                sent = self.up.seen(path)[-1][1]
                self.assertNotIn("X-Injected", sent, "a header was injected into the next request")
                self.assertNotIn("If-None-Match", sent)
                self.assertNotIn("If-Modified-Since", sent)

    def test_a_stored_validator_that_is_no_header_value_is_not_sent(self):
        self.good_first()
        with sqlite3.connect(self.svc.db) as c:      # stored by an older build
            c.execute("UPDATE feed SET etag = ?, last_modified = ? WHERE code = 'ngo'",
                      ('"v1"\rX-Injected: a', "x\nX-Injected: b"))
        p = self.run_refresh("--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        sent = self.up.seen("/feed.csv")[-1][1]
        self.assertNotIn("X-Injected", sent)
        self.assertNotIn("If-None-Match", sent)
        self.assertEqual(self.stored_validators("ngo"), (None, None))

    def test_a_good_validator_is_still_stored_and_sent(self):
        self.good_first("/feed.csv", {"body": GOOD, "type": CSV, "etag": 'W/"v1"',
                                      "headers": {"Last-Modified": "Mon, 01 Jan 2024 00:00:00 GMT"}})
        self.assertEqual(self.run_refresh("--force").returncode, 0)
        self.assertEqual(self.stored_validators("ngo"), ('W/"v1"', "Mon, 01 Jan 2024 00:00:00 GMT"))
        p = self.run_refresh("--force")
        self.assertIn("feed ngo: not modified (HTTP 304)", p.stderr)
        sent = self.up.seen("/feed.csv")[-1][1]
        self.assertEqual(sent["If-None-Match"], 'W/"v1"')
        self.assertEqual(sent["If-Modified-Since"], "Mon, 01 Jan 2024 00:00:00 GMT")

    def test_a_304_to_a_request_without_a_validator_is_an_error(self):
        self.good_first("/feed.csv", {"status": 304, "body": b"", "type": None})
        self.assertEqual(self.stored_validators("ngo"), (None, None))
        p = self.run_refresh("--force")
        self.assert_kept_and_stale(p, "HTTP 304 (not modified) to a request that sent no validator")
        self.assertNotIn("If-None-Match", self.up.seen("/feed.csv")[-1][1])


class TemporaryDirectory(Base):
    """Item 8: the spool lives in $TMPDIR; a full one fails the feed, recorded."""

    def test_the_spool_honours_tmpdir(self):
        self.good_first("/feed.csv", {"body": CHANGED, "type": CSV})
        missing = os.path.join(self.svc.dir, "no-such-dir")
        p = self.run_refresh("--force", env={"TMPDIR": missing})
        self.assert_kept_and_stale(p, "cannot create a spool file in %s" % missing)
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 100)

    def test_a_full_temporary_directory_fails_the_feed_and_records_why(self):
        self.good_first("/feed.csv", {"body": big_csv(3000), "type": CSV})
        tmp = tempfile.mkdtemp(prefix="figures-tmpfs-")
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", tmp],
                                 capture_output=True, text=True).returncode == 0
        try:
            if mounted:
                p = self.run_refresh("--force", env={"TMPDIR": tmp})
                needle = "No space left on device"
            else:
                # no tmpfs (not privileged): a file-size limit fills the spool the same way
                try:
                    p = subprocess.run(["prlimit", "--fsize=16384", os.path.join(BIN, "figures-refresh"),
                                        "--db", self.svc.db, *FAST, "--force"],
                                       capture_output=True, text=True, timeout=120)
                except OSError as e:
                    self.skipTest("neither a tmpfs (mount: not permitted) nor prlimit: %s" % e)
                needle = "File too large"
            self.assert_kept_and_stale(p, needle)
            self.assertIn("spool", self.feed("ngo")["last_error"])
        finally:
            if mounted:
                subprocess.run(["umount", tmp])
            os.rmdir(tmp)


if __name__ == "__main__":
    unittest.main()
