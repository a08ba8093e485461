"""The refresher against a local fake upstream that misbehaves on demand. Each
test checks the exit code, the log line, what the API serves afterwards, and
that no good data was lost."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

from harness import BIN, SEED, Service, refresh
from upstream import Upstream, fixture, hapi_pages, hapi_refugee_row

FAST = ["--timeout", "2", "--connect-timeout", "2", "--retries", "2", "--retry-delay", "0.1"]
CSV = "text/csv"
with open(SEED, "rb") as _f:
    GOOD = _f.read()
CHANGED = GOOD.replace(b",,100,,exact,", b",,150,,exact,")


class Fetch(unittest.TestCase):
    def setUp(self):
        self.svc = Service(seed=False)
        self.svc.start()
        self.up = Upstream()

    def tearDown(self):
        self.up.stop()
        self.svc.stop()

    # -- helpers -------------------------------------------------------------------

    def add(self, feed, path, adapter="hxl", org="Test NGO", extra=()):
        refresh(self.svc.db, "--add-feed", feed, "--adapter", adapter, "--url",
                self.up.url(path) if path.startswith("/") else path,
                "--organisation", org, "--type", "ngo", *extra)

    def run_refresh(self, *args, env=None):
        return refresh(self.svc.db, *FAST, *args, check=False, env=env)

    def total(self, feed):
        return self.svc.get("/v1/figures?feed=%s&include=withdrawn" % feed).json()["meta"]["total"]

    def feed(self, code):
        return [f for f in self.svc.get("/v1/feeds").json()["data"] if f["id"] == code][0]

    def good_first(self, path="/feed.csv", *later):
        """Registers feed 'ngo' and loads the seed once, so there is good data to keep."""
        self.up.route(path, {"body": GOOD, "type": CSV}, *later)
        self.add("ngo", path)
        p = self.run_refresh()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(self.total("ngo"), 10)

    def assert_kept_and_stale(self, p, needle):
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("feed ngo: failed, its last good data kept", p.stderr)
        self.assertIn(needle, p.stderr)
        self.assertEqual(self.total("ngo"), 10, "the last good data must be kept")
        f = self.feed("ngo")
        self.assertTrue(f["stale"])
        self.assertIn(needle, f["last_error"])
        self.assertEqual(f["consecutive_failures"], 1)
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 100)

    # -- paging ----------------------------------------------------------------------

    def test_a_three_page_hapi_dataset_is_followed_to_the_end(self):
        path = "/api/v1/affected-people/refugees"
        self.up.route(path, {"body": hapi_pages(5, hapi_refugee_row)})
        self.add("hapi", path + "?population_group=REF&limit=2", adapter="hapi", org="UNHCR")
        p = self.run_refresh(env={"HAPI_APP_IDENTIFIER": "dGVzdDp0ZXN0QGV4YW1wbGUub3Jn"})
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("feed hapi: ok: 5 added, 0 changed, 0 unchanged, 0 rejected, 0 withdrawn; "
                      "3 pages", p.stderr)
        seen = self.up.seen(path)
        self.assertEqual([r[0].split("offset=")[1].split("&")[0] if "offset=" in r[0] else "0"
                          for r in seen], ["0", "2", "4"])
        for r in seen:
            self.assertIn("population_group=REF", r[0])
            self.assertTrue(r[1]["User-Agent"].startswith("figures-refresh/"))
            self.assertEqual(r[1]["X-HDX-HAPI-APP-IDENTIFIER"], "dGVzdDp0ZXN0QGV4YW1wbGUub3Jn")
        d = self.svc.get("/v1/figures?feed=hapi&limit=10").json()
        self.assertEqual(d["meta"]["total"], 5)
        f = d["data"][0]
        self.assertEqual(f["source"]["name"], "UNHCR")
        # UNHCR's end-year stock, as HAPI carries it: as of the year's end
        self.assertEqual(f["as_of"], "2023-12-31")
        self.assertIn("HDX HAPI, resource", f["via"])
        self.assertNotIn("dGVzdDp0", json.dumps(self.svc.get("/v1/feeds").json()),
                         "the app identifier must not leak into the API")

    def test_unhcr_pages_until_max_pages(self):
        path = "/population/v1/population/"
        pages = {"1": fixture("unhcr/population-page1.json"), "2": fixture("unhcr/population-page2.json")}
        self.up.route(path, {"body": lambda q, h: pages[q.get("page", "1")]})
        self.add("unhcr", path + "?coo=SYR&cf_type=ISO&limit=100", adapter="unhcr", org="UNHCR")
        p = self.run_refresh()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("feed unhcr: ok: 9 added, 0 changed, 0 unchanged, 1 rejected, 0 withdrawn; "
                      "2 pages", p.stderr)
        self.assertEqual(len(self.up.seen(path)), 2)
        self.assertIn("page=2", self.up.seen(path)[1][0])
        d = self.svc.get("/v1/figures?feed=unhcr&country=DEU").json()
        self.assertEqual(sorted((f["metric"], f["value"], f["group"]) for f in d["data"]),
                         [("asylum_seekers", 71630, ""), ("refugees", 705782, "")])
        self.assertEqual(d["data"][0]["as_of"], "2023-12-31")
        self.assertEqual(d["data"][0]["source"]["name"], "UNHCR")

    def test_an_unchanged_paged_payload_is_recognised_and_a_changed_one_is_not(self):
        path = "/api/v1/affected-people/refugees"
        rows = {"n": 5}
        self.up.route(path, {"body": lambda q, h: hapi_pages(rows["n"], hapi_refugee_row)(q, h)})
        self.add("hapi", path + "?limit=2", adapter="hapi", org="UNHCR")
        self.assertIn("5 added", self.run_refresh().stderr)
        p = self.run_refresh("--force")
        self.assertIn("feed hapi: ok: the payload is the same as the last one written: nothing to "
                      "write; 3 pages", p.stderr)
        self.assertEqual(len(self.up.seen(path)), 6, "every page is still fetched and checked")
        self.assertFalse(self.feed("hapi")["stale"])
        rows["n"] = 6                    # one more row on the last page
        p = self.run_refresh("--force")
        self.assertIn("feed hapi: ok: 1 added, 0 changed, 5 unchanged", p.stderr)
        self.assertEqual(self.total("hapi"), 6)

    def test_a_failure_mid_pagination_writes_nothing(self):
        path = "/api/v1/affected-people/refugees"
        pages = hapi_pages(5, hapi_refugee_row)
        calls = {"n": 0}

        def body(q, h):
            calls["n"] += 1
            return pages(q, h)
        self.up.route(path, {"body": body}, {"body": body}, {"status": 500, "body": b"boom"})
        self.add("hapi", path + "?limit=2", adapter="hapi", org="UNHCR")
        p = self.run_refresh()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("page 3", p.stderr)
        self.assertEqual(self.total("hapi"), 0, "pages 1 and 2 must not be written alone")

    # -- HTTP failures -----------------------------------------------------------------

    def test_500_keeps_the_last_good_data(self):
        self.good_first("/feed.csv", {"status": 500, "body": b"<h1>Internal Server Error</h1>",
                                      "type": "text/html"})
        p = self.run_refresh("--force")
        self.assert_kept_and_stale(p, "HTTP 500")
        self.assertIn("gave up after 3 attempts", p.stderr)
        self.assertEqual(len(self.up.seen("/feed.csv")), 4)   # the good one, then 3 attempts

    def test_503_then_ok_is_retried(self):
        self.good_first("/feed.csv", {"status": 503, "body": b"busy"}, {"body": CHANGED, "type": CSV})
        p = self.run_refresh("--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("HTTP 503: busy; retrying in", p.stderr)
        self.assertIn("feed ngo: ok: 0 added, 1 changed, 9 unchanged", p.stderr)
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 150)
        self.assertFalse(self.feed("ngo")["stale"])

    def test_429_honours_retry_after(self):
        self.good_first("/feed.csv", {"status": 429, "body": b"slow down",
                                      "headers": {"Retry-After": "1"}},
                        {"body": CHANGED, "type": CSV})
        p = self.run_refresh("--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("HTTP 429: slow down; retrying in 1.0 s", p.stderr)
        seen = self.up.seen("/feed.csv")
        self.assertGreaterEqual(seen[2][2] - seen[1][2], 0.95, "Retry-After: 1 must be honoured")
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 150)

    def test_a_retry_after_beyond_reason_fails_until_the_next_run(self):
        self.good_first("/feed.csv", {"status": 503, "body": b"", "headers": {"Retry-After": "86400"}})
        p = self.run_refresh("--force")
        self.assert_kept_and_stale(p, "asks to wait 86400 s")

    def test_4xx_is_not_retried_and_says_why(self):
        path = "/api/v1/affected-people/refugees"
        self.up.route(path, {"status": 403, "body": fixture("hapi/error-403.json")})
        self.add("hapi", path, adapter="hapi", org="UNHCR")
        p = self.run_refresh()
        self.assertEqual(p.returncode, 1)
        self.assertIn('HTTP 403: {"error": "Missing app identifier"}', p.stderr)
        self.assertEqual(len(self.up.seen(path)), 1)

    def test_a_timeout_is_retried_then_fails(self):
        self.good_first("/feed.csv", {"delay": 5, "body": GOOD, "type": CSV})
        p = self.run_refresh("--force", "--timeout", "1", "--retries", "1")
        self.assert_kept_and_stale(p, "Timeout was reached")
        self.assertIn("gave up after 2 attempts", p.stderr)

    def test_a_slow_drip_times_out(self):
        self.good_first("/feed.csv", {"drip": 0.2, "body": GOOD, "type": CSV})
        p = self.run_refresh("--force", "--timeout", "1", "--retries", "0")
        self.assert_kept_and_stale(p, "Timeout was reached")

    def test_a_truncated_body_fails(self):
        self.good_first("/feed.csv", {"truncate": len(CHANGED) // 2, "body": CHANGED, "type": CSV})
        p = self.run_refresh("--force")
        self.assert_kept_and_stale(p, "partial file")

    def test_malformed_json_fails(self):
        path = "/api/v1/affected-people/idps"
        self.up.route(path, {"body": fixture("hapi/idps.json")},
                      {"body": b'{"data": [{"location_code": "SDN", "population": 9'})
        self.add("ngo", path, adapter="hapi", org="IOM DTM")
        self.assertEqual(self.run_refresh().returncode, 0)
        self.assertEqual(self.total("ngo"), 3)
        p = self.run_refresh("--force")
        self.assertEqual(p.returncode, 1)
        self.assertIn("malformed JSON", p.stderr)
        self.assertEqual(self.total("ngo"), 3)
        self.assertTrue(self.feed("ngo")["stale"])

    def test_an_oversized_body_is_cut_off(self):
        big = GOOD + b"x" * 20000
        for name, step in [("chunked", {"chunked": True}), ("with length", {})]:
            with self.subTest(name):
                path = "/big-%d.csv" % len(name)
                self.up.route(path, dict(step, body=big, type=CSV))
                self.add("big%d" % len(name), path)
                p = self.run_refresh("--only", "big%d" % len(name), "--max-bytes", "4096")
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertRegex(p.stderr, "larger than 4096 bytes|Maximum file size exceeded")
                self.assertEqual(self.total("big%d" % len(name)), 0)

    def test_a_wrong_content_type_fails(self):
        path = "/countries/SYR/figures.json"
        self.up.route(path, {"body": fixture("reliefweb/quota.html"), "type": "text/html"})
        self.add("rw", path, adapter="reliefweb", org="ReliefWeb")
        p = self.run_refresh()
        self.assertEqual(p.returncode, 1)
        self.assertIn("the response is text/html, not what the reliefweb adapter reads", p.stderr)
        self.assertIn("text/html", self.feed("rw")["last_error"])

    def test_etag_then_304_is_unchanged_and_fresh(self):
        self.good_first("/feed.csv")
        self.up.route("/feed.csv", {"body": GOOD, "type": CSV, "etag": '"v1"'})
        self.assertEqual(self.run_refresh("--force").returncode, 0)
        before = self.feed("ngo")["last_success"]
        time.sleep(1.1)
        p = self.run_refresh("--force")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("feed ngo: not modified (HTTP 304): nothing to write", p.stderr)
        self.assertEqual(self.up.seen("/feed.csv")[-1][1].get("If-None-Match"), '"v1"')
        f = self.feed("ngo")
        self.assertFalse(f["stale"])
        self.assertGreater(f["last_success"], before)
        self.assertEqual(self.total("ngo"), 10)
        # a new version is fetched again
        self.up.route("/feed.csv", {"body": CHANGED, "type": CSV, "etag": '"v2"'})
        p = self.run_refresh("--force")
        self.assertIn("1 changed", p.stderr)

    # -- several feeds -------------------------------------------------------------------

    def test_feeds_are_fetched_in_parallel_and_one_failure_spares_the_others(self):
        self.up.route("/a.csv", {"delay": 0.5, "body": GOOD, "type": CSV})
        self.up.route("/b.json", {"delay": 0.5,
                                  "body": fixture("real/dtm/displacement-admin0-admin0pcode-hti.json")})
        self.up.route("/c.json", {"delay": 0.5, "status": 404, "body": b"{}"})
        self.add("a", "/a.csv")
        self.add("b", "/b.json", adapter="dtm", org="IOM DTM")
        self.add("c", "/c.json", adapter="dtm", org="IOM DTM")
        p = self.run_refresh()
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(self.up.max_in_flight, 3, "all three feeds must be in flight at once")
        self.assertEqual((self.total("a"), self.total("b"), self.total("c")), (10, 114, 0))
        for line in ("feed a: ok: 10 added", "feed b: ok: 114 added", "feed c: failed"):
            self.assertIn(line, p.stderr)

    def test_due_force_only_disabled_and_dry_run(self):
        self.good_first()
        p = self.run_refresh()
        self.assertIn("no feed is due", p.stderr)
        self.assertEqual(len(self.up.seen("/feed.csv")), 1)
        self.assertIn("feed ngo: ok", self.run_refresh("--force").stderr)
        refresh(self.svc.db, "--disable", "ngo")
        self.assertIn("no feed is due", self.run_refresh("--force").stderr)
        self.up.route("/feed.csv", {"body": CHANGED, "type": CSV})
        p = self.run_refresh("--only", "ngo", "--dry-run")
        self.assertIn("dry run, nothing written: 0 added, 1 changed", p.stderr)
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 100)
        p = self.run_refresh("--only", "ngo")
        self.assertIn("disabled; fetching it because --only names it", p.stderr)
        self.assertEqual(self.svc.get("/v1/figures/1").json()["data"]["value"], 150)
        out = refresh(self.svc.db, "--list-feeds").stdout
        self.assertRegex(out, r"ngo\s+hxl\s+no")
        p = self.run_refresh("--only", "nope")
        self.assertEqual(p.returncode, 2)

    def test_a_url_needing_an_unset_variable_fails_naming_it(self):
        self.add("rw", "http://127.0.0.1:%d/x?appname=${FIGURES_TEST_APPNAME}" % self.up.port,
                 adapter="reliefweb", extra=("--country", "SYR", "--max-rejected", "100"))
        p = self.run_refresh()
        self.assertEqual(p.returncode, 1)
        self.assertIn("FIGURES_TEST_APPNAME, which is not set", p.stderr)
        self.assertEqual(self.up.requests, [])
        self.up.route("/countries/SYR/figures.json", {"body": fixture("reliefweb/misbehaviour.json")})
        refresh(self.svc.db, "--add-feed", "rw", "--url",
                "http://127.0.0.1:%d/countries/${FIGURES_TEST_CC}/figures.json" % self.up.port)
        p = self.run_refresh("--force", env={"FIGURES_TEST_CC": "SYR"})
        self.assertEqual(p.returncode, 0, p.stderr)
        # 15 claims, one of them dated 2015-12-32, which ingest rejects
        self.assertIn("feed rw: ok: 14 added", p.stderr)
        self.assertIn("${FIGURES_TEST_CC}", self.feed("rw")["url"], "the template is stored, not the value")

    def test_quiet_prints_errors_only(self):
        self.good_first("/feed.csv", {"status": 500})
        p = self.run_refresh("--force", "--quiet", "--retries", "0")
        self.assertEqual(p.returncode, 1)
        self.assertNotIn("info:", p.stderr)
        self.assertIn("error: feed ngo: failed", p.stderr)


class KilledMidRefresh(unittest.TestCase):
    """A refresh killed at any moment leaves the database consistent: the old
    set of figures or the new one, never a mix."""

    def test_sigkill_at_random_moments(self):
        rows = ["Reported,As of,Country,Location,Source,Killed",
                "#date+reported,#date+occurred,#country+code,#loc+name,#meta+source,#affected+killed"]
        tmp = tempfile.mkdtemp(prefix="figures-kill-")
        db = os.path.join(tmp, "f.db")
        old = os.path.join(tmp, "old.csv")
        new = os.path.join(tmp, "new.csv")
        with open(old, "w") as f:
            f.write("\n".join(rows + ["2020-01-01,2020-01-01,SYR,Place %d,Monitor,%d" % (i, i)
                                      for i in range(20000)]) + "\n")
        with open(new, "w") as f:
            f.write("\n".join(rows + ["2020-01-01,2020-01-01,SYR,Place %d,Monitor,%d" % (i, i + 1)
                                      for i in range(20000)]) + "\n")
        refresh(db, "--migrate", "--quiet")
        refresh(db, "--import", old, "--feed", "big", "--quiet")
        rng = random.Random(7)
        outcomes = set()
        for _ in range(20):
            p = subprocess.Popen([os.path.join(BIN, "figures-refresh"), "--db", db, "--import",
                                  new, "--feed", "big", "--quiet"])
            time.sleep(rng.uniform(0.02, 0.8))
            p.send_signal(signal.SIGKILL)
            p.wait()
            with sqlite3.connect(db) as c:
                self.assertEqual(c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                total = c.execute("SELECT sum(value) FROM figure").fetchone()[0]
            self.assertIn(total, (sum(range(20000)), sum(range(1, 20001))))
            outcomes.add(total)
            refresh(db, "--import", old, "--feed", "big", "--quiet")
        subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    unittest.main()
