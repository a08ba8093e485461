"""figures-refresh as cron and operators use it: arguments, exit codes, log lines,
and what the API serves after good, bad and broken imports."""
import fcntl
import os
import shutil
import sqlite3
import tempfile
import unittest

import harness
import subprocess
from harness import SEED, Service, refresh

with open(SEED, encoding="utf-8") as _f:
    SEED_LINES = _f.read().splitlines()
HEAD = SEED_LINES[:3]          # title, header and hashtag rows
ROWS = SEED_LINES[3:]


LATEST = max(int(n[:4]) for n in os.listdir(os.path.join(harness.ROOT, "sql", "migrations"))
             if n.endswith(".sql"))


def write(path, lines):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return path


class Cli(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="figures-cli-")
        self.db = os.path.join(self.dir, "f.db")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def test_help_and_usage_errors(self):
        p = refresh(self.db, "--help")
        self.assertEqual(p.returncode, 0)
        self.assertIn("--import", p.stdout)
        for args, needle in [
            ((), "--migrate"),            # a refresh needs a database with a schema
            (("--bogus",), "unknown or incomplete option"),
            (("--import", SEED), "--import needs --feed"),
            (("--import", SEED, "--feed", "bad feed"), "is not 1-64"),
            (("--import", SEED, "--feed", "x", "--adapter", "nope"), "unknown --adapter"),
            (("--migrate", "extra"), "unexpected argument"),
        ]:
            with self.subTest(args=args):
                p = refresh(self.db, *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(needle, p.stderr)

    def test_migrate_is_harmless_twice_and_records_the_version(self):
        self.assertIn("(created)", refresh(self.db, "--migrate").stderr)
        self.assertIn("already current", refresh(self.db, "--migrate").stderr)
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("PRAGMA user_version").fetchone()[0], LATEST)
            self.assertEqual(c.execute("SELECT count(*) FROM metric").fetchone()[0], 14)

    def test_an_older_database_is_upgraded_keeping_its_data(self):
        with open(os.path.join(harness.ROOT, "sql", "migrations", "0001_init.sql")) as f:
            v1 = f.read()
        with sqlite3.connect(self.db) as c:
            c.executescript(v1)
            c.execute("PRAGMA user_version = 1")
            c.execute("INSERT INTO feed (code, name, url, adapter) VALUES ('old', 'Old', 'file:///x', 'hxl')")
        p = refresh(self.db, "--migrate")
        self.assertIn("schema version %d (upgraded)" % LATEST, p.stderr)
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("PRAGMA user_version").fetchone()[0], LATEST)
            self.assertEqual(c.execute("SELECT code FROM feed").fetchall(), [("old",)])
            self.assertEqual(c.execute("SELECT max_rejected FROM feed").fetchone()[0], 100,
                             "a feed registered before shares existed keeps taking any share")
            before = c.execute("SELECT feeds_version FROM state").fetchone()[0]
        refresh(self.db, "--disable", "old")
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("SELECT feeds_version FROM state").fetchone()[0], before + 1)

    def test_a_newer_database_is_refused(self):
        refresh(self.db, "--migrate")
        with sqlite3.connect(self.db) as c:
            c.execute("PRAGMA user_version = 99")
        p = refresh(self.db, "--migrate", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("newer than this build", p.stderr)

    def test_import_needs_a_migrated_database(self):
        p = refresh(self.db, "--import", SEED, "--feed", "x", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--migrate", p.stderr)

    def test_a_held_lock_stops_a_second_refresh(self):
        refresh(self.db, "--migrate")
        with open(self.db + ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            p = refresh(self.db, "--import", SEED, "--feed", "x", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("another figures-refresh", p.stderr)
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("SELECT count(*) FROM figure").fetchone()[0], 0)

    def test_bad_rows_are_rejected_counted_and_logged(self):
        refresh(self.db, "--migrate")
        good = ROWS[0]
        bad = [
            good.replace(",,100,,exact,", ",,fled,,exact,"),          # not a number
            good.replace(",,100,,exact,", ",,-5,,exact,"),            # negative
            good.replace(",,100,,exact,", ",,3.5,,exact,"),           # not whole
            good.replace("2019-10-13,2019-10-13", "2019-10-13,2019-02-30"),  # impossible date
            good.replace(",SYR,Syria,", ",,,"),                  # no country
            good.replace(",exact,", ",roughly,"),                     # unknown qualifier
        ]
        path = write(os.path.join(self.dir, "bad.csv"), HEAD + [good] + bad)
        p = refresh(self.db, "--import", path, "--feed", "mixed", "--max-rejected", "100")
        self.assertEqual(p.returncode, 0)
        self.assertIn("1 added, 0 changed, 0 unchanged, 6 rejected", p.stderr)
        for needle in ["row 5 rejected: value 'fled'", "row 6 rejected: value '-5'",
                       "row 7 rejected: value '3.5'", "row 8 rejected: as-of date '2019-02-30'",
                       "row 9 rejected: missing location", "row 10 rejected: qualifier 'roughly'"]:
            self.assertIn(needle, p.stderr)

    def test_more_rejected_rows_than_the_feeds_share_fail_it_naming_the_commonest_reasons(self):
        """Default: half. Over it, the feed fails (exit 1), nothing is written, and
        last_error says how many, the share, and the commonest reasons with a row."""
        refresh(self.db, "--migrate")
        refresh(self.db, "--import", SEED, "--feed", "s")
        bad = ["2019-02-30" + r[len("2019-10-13"):] for r in ROWS[:5]] + \
              [ROWS[5].replace(",SYR,Syria,", ",,,")]
        self.assertTrue(all(r.startswith("2019-10-13,") for r in ROWS[:5]))
        path = write(os.path.join(self.dir, "six.csv"), HEAD + bad + ROWS[6:])
        p = refresh(self.db, "--import", path, "--feed", "s", check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("failed, its last good data kept", p.stderr)
        with sqlite3.connect(self.db) as c:
            error, = c.execute("SELECT last_error FROM feed WHERE code = 's'").fetchone()
            self.assertEqual(c.execute("SELECT count(*) FROM figure WHERE NOT withdrawn")
                             .fetchone()[0], 10, "nothing withdrawn")
        self.assertIn("6 of 10 rows rejected", error)
        self.assertIn("50%", error)
        self.assertIn("5 × row 4: reported date '2019-02-30' is not a real date", error)
        self.assertIn("1 × row 9: missing location", error)
        self.assertLess(error.index("5 ×"), error.index("1 ×"), "commonest first")
        # the operator may allow more for this feed; the setting is kept
        refresh(self.db, "--add-feed", "s", "--max-rejected", "60")
        p = refresh(self.db, "--import", path, "--feed", "s")
        self.assertIn("4 unchanged, 6 rejected, 6 withdrawn", p.stderr)
        self.assertIn("rejects at most 60%", refresh(self.db, "--list-feeds").stdout)
        # at most the share is fine: four of ten
        refresh(self.db, "--add-feed", "s", "--max-rejected", "50")
        path = write(os.path.join(self.dir, "four.csv"), HEAD + bad[:4] + ROWS[4:])
        self.assertIn("4 rejected", refresh(self.db, "--import", path, "--feed", "s").stderr)
        for arg in ("101", "-1", "half"):
            p = refresh(self.db, "--add-feed", "s", "--max-rejected", arg, check=False)
            self.assertEqual(p.returncode, 2, arg)
            self.assertIn("--max-rejected", p.stderr)

    def test_a_feeds_country_is_checked_kept_listed_and_cleared(self):
        refresh(self.db, "--migrate")
        p = refresh(self.db, "--add-feed", "rw", "--adapter", "reliefweb", "--url", "file:///x.json",
                    "--country", "syr")
        self.assertIn("country SYR", p.stderr)
        self.assertIn("    country: SYR", refresh(self.db, "--list-feeds").stdout)
        for args, needle in [(("--add-feed", "rw", "--country", "ZZZ"), "no ISO 3166-1 alpha-3 code"),
                             (("--add-feed", "rw", "--country", "Syria"), "not an ISO 3166-1 alpha-3"),
                             (("--list-feeds", "--country", "SYR"), "--country sets a feed's country")]:
            with self.subTest(args=args):
                p = refresh(self.db, *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(needle, p.stderr)
        self.assertIn("country: SYR", refresh(self.db, "--list-feeds").stdout, "a refused value changes nothing")
        refresh(self.db, "--add-feed", "rw", "--name", "renamed")
        self.assertIn("country: SYR", refresh(self.db, "--list-feeds").stdout, "kept when not given")
        refresh(self.db, "--add-feed", "rw", "--country", "")
        self.assertNotIn("country:", refresh(self.db, "--list-feeds").stdout)

    def test_if_empty_imports_only_into_an_empty_database(self):
        refresh(self.db, "--migrate")
        self.assertIn("10 added", refresh(self.db, "--if-empty", "--import", SEED, "--feed", "s").stderr)
        p = refresh(self.db, "--if-empty", "--import", SEED, "--feed", "other")
        self.assertIn("not importing", p.stderr)
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("SELECT count(*) FROM feed").fetchone()[0], 1)

    def test_dry_run_writes_nothing(self):
        refresh(self.db, "--migrate")
        refresh(self.db, "--import", SEED, "--feed", "s")
        changed = write(os.path.join(self.dir, "c.csv"), HEAD + [ROWS[0].replace(",,100,", ",,150,")] + ROWS[1:])
        p = refresh(self.db, "--dry-run", "--import", changed, "--feed", "s")
        self.assertIn("dry run, nothing written: 0 added, 1 changed", p.stderr)
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("SELECT value FROM figure WHERE id = 1").fetchone()[0], 100)
            self.assertEqual(c.execute("SELECT count(*) FROM revision").fetchone()[0], 10)


class RefreshThroughTheApi(unittest.TestCase):
    """Imports into the database a running worker serves."""

    def setUp(self):
        self.svc = Service()
        self.svc.start()
        self.tmp = tempfile.mkdtemp(prefix="figures-csv-")

    def tearDown(self):
        self.svc.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def test_a_broken_payload_keeps_the_last_good_data_and_marks_the_feed_stale(self):
        for name, lines in [("no-tags", ["a,b", "1,2"]),
                            ("truncated", HEAD + ROWS[:2] + [ROWS[2][:60] + ',"unterminated'])]:
            with self.subTest(name):
                path = write(os.path.join(self.tmp, name + ".csv"), lines)
                p = refresh(self.svc.db, "--import", path, "--feed", "ain-issa-report", check=False)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("failed, its last good data kept", p.stderr)
                d = self.svc.get("/v1/figures").json()
                self.assertEqual(d["meta"]["total"], 10)
                feed = self.svc.get("/v1/feeds").json()["data"][0]
                self.assertTrue(feed["stale"])
                self.assertTrue(feed["last_error"])
                self.assertEqual(self.svc.get("/v1/health").json()["feeds"]["stale"], ["ain-issa-report"])
        feed = self.svc.get("/v1/feeds").json()["data"][0]
        self.assertEqual(feed["consecutive_failures"], 2)
        refresh(self.svc.db, "--import", SEED, "--feed", "ain-issa-report")
        feed = self.svc.get("/v1/feeds").json()["data"][0]
        self.assertFalse(feed["stale"])
        self.assertIsNone(feed["last_error"])

    def test_a_payload_with_no_usable_row_withdraws_nothing(self):
        """An upstream that renames a field makes every row fail: that is a broken feed,
        not ten withdrawn claims. Nor is an empty payload a reason to hide them all."""
        tags = HEAD[2]
        for metric in ("displaced", "refugees", "detained", "escaped", "killed"):
            tags = tags.replace("#affected+" + metric, "#affected+" + metric + "_v2")
        renamed = [HEAD[0], HEAD[1], tags] + ROWS
        for name, lines in [("renamed", renamed), ("empty", HEAD)]:
            with self.subTest(name):
                path = write(os.path.join(self.tmp, name + ".csv"), lines)
                p = refresh(self.svc.db, "--import", path, "--feed", "ain-issa-report", check=False)
                self.assertEqual(p.returncode, 1, p.stderr)
                self.assertIn("failed, its last good data kept", p.stderr)
                self.assertIn("no usable row", p.stderr)
                self.assertEqual(self.svc.get("/v1/figures").json()["meta"]["total"], 10)
                feed = self.svc.get("/v1/feeds").json()["data"][0]
                self.assertTrue(feed["stale"])
                self.assertIn("no usable row", feed["last_error"])

    def test_reliefweb_key_figures_are_read_in_the_feeds_country(self):
        path = os.path.join(harness.ROOT, "tests", "fixtures", "real", "reliefweb", "world", "SYR.json")
        p = refresh(self.svc.db, "--import", path, "--feed", "rw-nocountry", "--adapter", "reliefweb",
                    check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("register it with --country ISO3", p.stderr)
        p = refresh(self.svc.db, "--import", path, "--feed", "rw-syr", "--adapter", "reliefweb",
                    "--country", "SYR", "--max-rejected", "100")
        self.assertIn("feed rw-syr: ok:", p.stderr)
        self.assertIn("is not a figure of this service's vocabulary", p.stderr)
        # refugees from Syria in Turkey are in Turkey, not in Syria
        d = self.svc.get("/v1/figures?feed=rw-syr&country=TUR&metric=refugees&limit=1000").json()
        values = {(f["value"], f["location"]["code"]) for f in d["data"]}
        self.assertIn((3174851, "TUR"), values)
        d = self.svc.get("/v1/figures?feed=rw-syr&country=SYR&metric=refugees&limit=1000").json()
        self.assertNotIn(3174851, {f["value"] for f in d["data"]})
        self.assertIn("country: SYR", refresh(self.svc.db, "--list-feeds").stdout)

    def test_feed_state_and_figures_have_their_own_etags(self):
        figures = self.svc.get("/v1/figures").header("etag")
        feeds = self.svc.get("/v1/feeds").header("etag")
        broken = write(os.path.join(self.tmp, "b.csv"), ["a,b", "1,2"])
        refresh(self.svc.db, "--import", broken, "--feed", "ain-issa-report", check=False)
        self.assertEqual(self.svc.get("/v1/figures").header("etag"), figures,
                         "a failed refresh changed no figure: their ETag stays")
        r = self.svc.get("/v1/feeds", {"If-None-Match": feeds})
        self.assertEqual(r.status, 200, "the feed's state changed: its list must not be a 304")
        self.assertTrue(r.json()["data"][0]["stale"])

    def test_a_changed_value_adds_a_revision(self):
        before = self.svc.get("/v1/figures/1")
        changed = write(os.path.join(self.tmp, "c.csv"),
                        HEAD + [ROWS[0].replace(",,100,", ",,150,")] + ROWS[1:])
        p = refresh(self.svc.db, "--import", changed, "--feed", "ain-issa-report")
        self.assertIn("0 added, 1 changed, 9 unchanged", p.stderr)
        d = self.svc.get("/v1/figures/1").json()["data"]
        self.assertEqual(d["value"], 150)
        self.assertEqual([r["value"] for r in d["revisions"]], [150, 100])
        self.assertIsNone(d["revisions"][0]["superseded_at"])
        self.assertIsNotNone(d["revisions"][1]["superseded_at"])
        self.assertNotEqual(self.svc.get("/v1/figures/1").header("etag"), before.header("etag"),
                            "a data change must change the ETag")
        self.assertEqual(self.svc.get("/v1/figures")["meta"]["total"] if False else
                         self.svc.get("/v1/figures").json()["meta"]["total"], 10)

    def test_a_claim_missing_from_a_complete_payload_is_withdrawn_not_deleted(self):
        fewer = write(os.path.join(self.tmp, "f.csv"), HEAD + ROWS[1:])
        p = refresh(self.svc.db, "--import", fewer, "--feed", "ain-issa-report")
        self.assertIn("1 withdrawn", p.stderr)
        self.assertEqual(self.svc.get("/v1/figures").json()["meta"]["total"], 9)
        d = self.svc.get("/v1/figures?include=withdrawn&metric=escaped").json()
        self.assertEqual({(f["id"], f["withdrawn"]) for f in d["data"]}, {(1, True), (2, False)})
        self.assertEqual(self.svc.get("/v1/figures/1").status, 200)
        refresh(self.svc.db, "--import", SEED, "--feed", "ain-issa-report")
        self.assertEqual(self.svc.get("/v1/figures").json()["meta"]["total"], 10)


if __name__ == "__main__":
    unittest.main()


class Operations(unittest.TestCase):
    """What an operator runs: the default feed list, the cron line, a terminal."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="figures-ops-")
        self.db = os.path.join(self.dir, "f.db")
        refresh(self.db, "--migrate", "--quiet")

    def tearDown(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def feeds(self):
        with sqlite3.connect(self.db) as c:
            return dict(c.execute("SELECT code, enabled FROM feed"))

    def test_the_default_feed_list_registers_real_feeds_disabled_and_is_idempotent(self):
        env = dict(os.environ, FIGURES_REFRESH=os.path.join(harness.BIN, "figures-refresh"))
        script = os.path.join(harness.ROOT, "scripts", "feeds")
        p = subprocess.run([script, self.db, "syr"], env=env, capture_output=True, text=True)
        self.assertEqual(p.returncode, 0, p.stderr)
        feeds = self.feeds()
        self.assertEqual(set(feeds), {"hapi-refugees-syr", "hapi-idps-syr", "hapi-conflict-syr",
                                      "unhcr-population-syr", "reliefweb-syr", "dtm-idps-syr"})
        self.assertEqual(set(feeds.values()), {0}, "feeds that need the network start disabled")
        self.assertIn("https://hapi.humdata.org/api/v2/", p.stdout)
        self.assertIn("https://dtmapi.iom.int/v3/displacement/admin2?Admin0Pcode=SYR", p.stdout)
        self.assertNotIn("GetAdmin2Datav2", p.stdout, "DTM's v2 API is retired")
        self.assertIn("crisis-app-data/15d09e4e155887167d3df7f5de9c46c5ba2be672/edition/world/countries/SYR/",
                      p.stdout, "ReliefWeb's last key figures, at the commit that has them")
        with sqlite3.connect(self.db) as c:
            self.assertEqual(c.execute("SELECT country FROM feed WHERE code = 'reliefweb-syr'").fetchone()[0],
                             "SYR")
        self.assertNotIn("app_identifier=", p.stdout, "no credential in a URL")
        refresh(self.db, "--enable", "unhcr-population-syr")
        subprocess.run([script, self.db, "SYR"], env=env, check=True, capture_output=True)
        self.assertEqual(self.feeds()["unhcr-population-syr"], 1, "re-running keeps an enabled feed on")
        self.assertEqual(len(self.feeds()), 6)
        # nothing is fetched while they are off
        self.assertIn("no feed is due", refresh(self.db, "--disable", "unhcr-population-syr").stderr +
                      refresh(self.db).stderr)

    def test_the_cron_line_runs(self):
        with open(os.path.join(harness.ROOT, "scripts", "cron", "figures-refresh.cron")) as f:
            line = [l for l in f if l.strip() and not l.startswith("#")][0].split()
        self.assertEqual(line[:5], ["*/15", "*", "*", "*", "*"])
        args = line[7:]   # after the user and the program
        self.assertEqual(args[0], "--db")
        p = refresh(self.db, *args[2:])
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stderr, "", "--quiet: silent when all is well")

    def test_a_terminal_gets_a_progress_line(self):
        refresh(self.db, "--import", SEED, "--feed", "s", "--quiet")
        cmd = "%s --db %s --force" % (os.path.join(harness.BIN, "figures-refresh"), self.db)
        p = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertIn("fetching: 1 of 1 feeds done", p.stdout)
        q = refresh(self.db, "--force")
        self.assertNotIn("fetching:", q.stderr, "no progress line when not on a terminal")
