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
