"""Read nodes learn that a feed is failing: a refresh that fails on the writer
publishes no snapshot (no data changed), but --publish writes the feeds' fetch
state as feeds.json; a read node's follow fetches it beside the manifest, and
its /v1/feeds and /v1/health overlay it on the snapshot's rows while it is
newer than the snapshot's. The data answers are not touched."""
import json
import os
import sqlite3
import unittest

from harness import SEED, refresh
from test_snapshots import Base
from upstream import Upstream

FAST = ["--timeout", "2", "--connect-timeout", "2", "--retries", "0"]
CSV = "text/csv"
with open(SEED, "rb") as _f:
    GOOD = _f.read()


class FeedState(Base):
    def setUp(self):
        super().setUp()
        self.up = Upstream()
        self.addCleanup(self.up.stop)

    def feed(self, svc, code="ngo"):
        r = svc.get("/v1/feeds")
        self.assertEqual(r.status, 200, r.body)
        return r, [f for f in r.json()["data"] if f["id"] == code][0]

    def writer_refresh(self, check=True):
        return refresh(self.writer.db, *FAST, "--force", "--only", "ngo", "--publish", self.pub,
                       check=check)

    def feeds_json(self):
        with open(os.path.join(self.pub, "feeds.json")) as f:
            return json.load(f)

    def snapshot_feeds_version(self):
        with sqlite3.connect("file:%s?mode=ro" % self.node.db, uri=True) as c:
            v = c.execute("SELECT feeds_version FROM state").fetchone()[0]
        c.close()
        return v

    def good_then_failing(self):
        """Feed 'ngo' on the writer: good once (published, followed), then HTTP 500."""
        self.up.route("/feed.csv", {"body": GOOD, "type": CSV},
                      {"status": 500, "body": b"boom", "type": "text/plain"})
        refresh(self.writer.db, "--add-feed", "ngo", "--adapter", "hxl", "--url",
                self.up.url("/feed.csv"), "--organisation", "Test NGO", "--type", "ngo")
        self.writer_refresh()
        self.follow()

    def test_a_failed_refresh_reaches_the_read_nodes_feeds_and_health(self):
        self.good_then_failing()
        m = self.feeds_json()
        self.assertEqual(sorted(m), ["data_version", "feeds", "feeds_version", "published_at"])
        f = [f for f in m["feeds"] if f["code"] == "ngo"][0]
        # the fetch state only: never the feed's URL nor its upstream validators
        self.assertEqual(sorted(f), ["code", "consecutive_failures", "last_attempt",
                                     "last_error", "last_success", "rows_added", "rows_changed",
                                     "rows_rejected", "rows_unchanged"])
        r = self.writer.get("/snapshots/feeds.json")
        self.assertEqual((r.status, r.header("cache-control")), (200, "no-cache"))
        before, ngo = self.feed(self.node)
        self.assertEqual((ngo["last_error"], ngo["consecutive_failures"], ngo["stale"]),
                         (None, 0, False))
        figures = self.node.get("/v1/figures?limit=100")
        self.assertEqual(figures.status, 200)
        with open(os.path.join(self.pub, "manifest.json")) as fh:
            manifest = json.load(fh)

        p = self.writer_refresh(check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn("nothing to publish", p.stderr)       # no data changed: no snapshot
        self.assertIn("as %s/feeds.json" % self.pub, p.stderr)
        with open(os.path.join(self.pub, "manifest.json")) as fh:
            self.assertEqual(json.load(fh), manifest)
        failed = self.feeds_json()
        self.assertGreater(failed["feeds_version"], m["feeds_version"])
        # the node still says what its snapshot says, until it follows
        self.assertIsNone(self.feed(self.node)[1]["last_error"])

        p = self.follow()
        self.assertIn("the manifest is unchanged (HTTP 304)", p.stderr)
        self.assertIn("the feeds' state %d" % failed["feeds_version"], p.stderr)
        after, ngo = self.feed(self.node)
        self.assertIn("HTTP 500", ngo["last_error"])
        self.assertEqual((ngo["consecutive_failures"], ngo["stale"]), (1, True))
        self.assertEqual(ngo["last_success"], self.feed(self.writer)[1]["last_success"])
        self.assertEqual(self.feed(self.writer)[1], ngo)     # as the writer says
        self.assertNotEqual(after.header("etag"), before.header("etag"))
        self.assertEqual(self.node.get("/v1/feeds", {"If-None-Match": before.header("etag")})
                         .status, 200)
        self.assertEqual(self.node.get("/v1/feeds", {"If-None-Match": after.header("etag")})
                         .status, 304)
        h = self.health()
        self.assertIn("ngo", h["feeds"]["stale"])
        self.assertIsNone(h["follow"]["last_error"])
        # the data answers are the snapshot's, validators and all
        again = self.node.get("/v1/figures?limit=100")
        self.assertEqual((again.header("etag"), again.json()["data"]),
                         (figures.header("etag"), figures.json()["data"]))
        # nothing new: feeds.json is revalidated (304) and kept
        p = self.follow()
        self.assertNotIn("the feeds' state", p.stderr)
        self.assertEqual(self.feed(self.node)[1], ngo)

    def test_a_feeds_file_not_newer_than_the_snapshot_is_ignored(self):
        self.good_then_failing()
        self.writer_refresh(check=False)
        self.follow()
        path = self.node.db + ".feeds.json"
        with open(path) as f:
            state = json.load(f)
        self.assertIn("HTTP 500", self.feed(self.node)[1]["last_error"])
        snap = self.snapshot_feeds_version()
        for version, shown in ((snap, None), (snap - 1, None), (snap + 5, "from the file")):
            state["feeds_version"] = version
            for f in state["feeds"]:
                f["last_error"] = "from the file"
            with open(path + ".tmp", "w") as f:
                json.dump(state, f)
            os.rename(path + ".tmp", path)   # a new inode: the workers read it again
            self.assertEqual(self.feed(self.node)[1]["last_error"], shown, version)
        # a new snapshot carries the failure itself; its feeds.json is as old: ignored
        self.publish()
        self.follow()
        self.assertGreaterEqual(self.snapshot_feeds_version(), self.feeds_json()["feeds_version"])
        self.assertIn("HTTP 500", self.feed(self.node)[1]["last_error"])

    def test_an_unusable_feeds_file_fails_the_follow_and_keeps_the_snapshot(self):
        self.good_then_failing()
        self.writer_refresh(check=False)
        self.follow()
        node_copy = self.node.db + ".feeds.json"
        with open(node_copy, "rb") as f:
            kept = f.read()
        link = self.link()
        path = os.path.join(self.pub, "feeds.json")
        for bad, needle in (({"feeds": [{"code": "../x"}]}, "\"code\" is another text"),
                            ({"feeds_version": "7"}, "\"feeds_version\" is of another type")):
            m = self.feeds_json()
            m.update(bad)
            st = os.stat(path)
            with open(path, "w") as f:
                json.dump(m, f)
            os.utime(path, (st.st_mtime + 2, st.st_mtime + 2))   # nginx's validators
            p = self.follow(check=False)
            self.assertEqual(p.returncode, 1, p.stderr)
            self.assertIn("the feeds' state at", p.stderr)
            self.assertIn(needle, p.stderr)
            self.assertIn("the version served", p.stderr)
            self.assertEqual(self.link(), link)
            with open(node_copy, "rb") as f:
                self.assertEqual(f.read(), kept)
            self.assertIn(needle, self.health()["follow"]["last_error"])
            self.assertEqual(self.node.get("/v1/figures").status, 200)
        # a writer from before feeds.json (404): nothing to overlay, not an error
        os.unlink(path)
        p = self.follow()
        self.assertIn("publishes no feeds.json (HTTP 404)", p.stderr)
        self.assertFalse(os.path.exists(node_copy))
        self.assertIsNone(self.feed(self.node)[1]["last_error"])
        self.assertIsNone(self.health()["follow"]["last_error"])


if __name__ == "__main__":
    unittest.main()
