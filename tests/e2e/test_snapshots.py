"""Snapshots to read nodes: a writer publishes versioned copies of its database
(figures-refresh --publish DIR, served by its nginx under /snapshots/), a read
node follows the manifest (figures-refresh --follow URL --db LINK) and its
workers answer from the version the link names. Everything on 127.0.0.1: the
writer's real nginx serves the snapshots."""
import fcntl
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest

import harness
from harness import SEED, Service, refresh

with open(SEED, encoding="utf-8") as _f:
    SEED_LINES = _f.read().splitlines()
HEAD, ROWS = SEED_LINES[:3], SEED_LINES[3:]
LATEST = max(int(n[:4]) for n in os.listdir(os.path.join(harness.ROOT, "sql", "migrations"))
             if n.endswith(".sql"))
PATHS = ["/v1/figures?limit=100", "/v1/figures?metric=escaped", "/v1/summary", "/v1/sources"]


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Base(unittest.TestCase):
    """A writer publishing into its nginx's /snapshots/, and a read node with no data yet."""
    workers = 2

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="figures-snap-")
        os.chmod(self.tmp, 0o755)
        self.pub = os.path.join(self.tmp, "pub")
        os.mkdir(self.pub)
        os.chmod(self.pub, 0o755)
        self.writer = Service(publish=self.pub)
        self.writer.start()
        self.node = Service(seed=False, migrate=False, workers=self.workers)
        self.node.start()
        self.url = "http://127.0.0.1:%d/snapshots/manifest.json" % self.writer.port
        self.rows = len(ROWS)

    def tearDown(self):
        self.node.stop()
        self.writer.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- helpers --------------------------------------------------------------

    def publish(self, change=True):
        """A data change on the writer (one row fewer each time), published."""
        args = ["--publish", self.pub]
        if change:
            self.rows -= 1
            csv = os.path.join(self.tmp, "rows.csv")
            with open(csv, "w", encoding="utf-8") as f:
                f.write("\r\n".join(HEAD + ROWS[:self.rows]) + "\r\n")
            args = ["--import", csv, "--feed", "ain-issa-report", "--quiet"] + args
        refresh(self.writer.db, *args)
        with open(os.path.join(self.pub, "manifest.json")) as f:
            return json.load(f)

    def follow(self, *extra, url=None, check=True):
        return refresh(self.node.db, "--follow", url or self.url, *extra, check=check)

    def link(self):
        return os.readlink(self.node.db)

    def versions(self):
        return sorted(os.listdir(self.node.db + ".versions"))

    def health(self):
        r = self.node.get("/v1/health")
        self.assertEqual(r.status, 200, r.body)
        return r.json()

    def rewrite_manifest(self, **fields):
        path = os.path.join(self.pub, "manifest.json")
        with open(path) as f:
            m = json.load(f)
        m.update(fields)
        mtime = os.stat(path).st_mtime
        with open(path, "w") as f:
            json.dump(m, f)
        os.utime(path, (mtime + 2, mtime + 2))   # nginx's validators: mtime and size
        return m



class Snapshots(Base):
    def test_publish_then_follow_serves_each_new_version_with_the_writers_etags(self):
        m = self.publish(change=False)
        self.assertEqual(sorted(m), ["data_as_of", "file", "published_at", "schema_version",
                                     "sha256", "size", "version"])
        self.assertEqual(m["file"], "figures-%d.db" % m["version"])
        snap = os.path.join(self.pub, m["file"])
        self.assertEqual((m["size"], m["sha256"]), (os.path.getsize(snap), sha256(snap)))
        self.assertEqual(m["schema_version"], LATEST)
        # a copy a worker opens alone: rollback journal, nothing beside it
        with open(snap, "rb") as f:
            self.assertEqual(f.read(20)[18:20], b"\x01\x01")
        # the manifest is revalidated every time, with nginx's validators; versions are for good
        r = self.writer.get("/snapshots/manifest.json")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.header("cache-control"), "no-cache")
        self.assertTrue(r.header("etag"))
        self.assertEqual(self.writer.get("/snapshots/manifest.json",
                                         {"If-None-Match": r.header("etag")}).status, 304)
        r = self.writer.get("/snapshots/" + m["file"])
        self.assertEqual((r.status, len(r.body)), (200, m["size"]))
        self.assertIn("immutable", r.header("cache-control"))
        self.assertEqual(self.writer.get("/snapshots/.publish.lock").status, 404)

        # before any follow the node has nothing to serve, and says so
        self.assertEqual(self.node.get("/v1/figures").status, 503)
        p = self.follow()
        self.assertIn("now serving version %d" % m["version"], p.stderr)
        self.assertEqual(self.link(), "figures.db.versions/figures-%d.db" % m["version"])
        for version in range(2):
            if version:
                m2 = self.publish()
                self.assertEqual(m2["version"], m["version"] + 1)
                m = m2
                self.follow()
            for path in PATHS:
                w, n = self.writer.get(path), self.node.get(path)
                self.assertEqual((w.status, n.status), (200, 200), path)
                # the same data version answers the same validator and data_as_of on every node
                self.assertEqual(w.header("etag"), n.header("etag"), path)
                self.assertEqual(w.header("last-modified"), n.header("last-modified"), path)
                if "meta" in n.json():
                    self.assertEqual(n.json()["meta"]["data_as_of"], m["data_as_of"])
                    wm, nm = w.json()["meta"], n.json()["meta"]
                    wm.pop("generated_at", None), nm.pop("generated_at", None)   # the clock's
                    self.assertEqual(wm, nm, path)
                self.assertEqual(w.json().get("data"), n.json().get("data"), path)
            h = self.health()
            self.assertEqual(h["status"], "ok")
            self.assertEqual(h["database"]["data_version"], m["version"])
            f = h["follow"]
            self.assertEqual((f["version"], f["data_as_of"], f["url"], f["last_error"]),
                             (m["version"], m["data_as_of"], self.url, None))
            self.assertLessEqual(f["age_seconds"], 60)
            self.assertFalse(f["stale"])
        # the writer's health has no follow: it is no read node
        self.assertNotIn("follow", self.writer.get("/v1/health").json())
        # every shape of docs/DESIGN.md on the read node, its health's follow included
        p = subprocess.run([sys.executable, harness.CONTRACT_CHECK,
                            "http://127.0.0.1:%d" % self.node.port],
                           capture_output=True, text=True, timeout=300)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertIn("/v1/health follow", p.stdout)

    def test_a_lost_state_file_is_rebuilt_from_the_link(self):
        m = self.publish(change=False)
        self.follow()
        os.unlink(self.node.db + ".follow.json")
        ino = os.stat(self.node.db).st_ino
        p = self.follow()
        self.assertIn("already at version %d" % m["version"], p.stderr)
        self.assertEqual(os.stat(self.node.db).st_ino, ino)   # not downloaded again
        self.assertEqual(self.health()["follow"]["version"], m["version"])

    def test_publish_alone_is_idempotent_and_keeps_the_last_three_versions(self):
        first = self.publish(change=False)
        p = refresh(self.writer.db, "--publish", self.pub)
        self.assertIn("nothing to publish", p.stderr)
        with open(os.path.join(self.pub, "manifest.json")) as f:
            self.assertEqual(json.load(f), first)
        for _ in range(4):
            last = self.publish()
        names = sorted(n for n in os.listdir(self.pub) if n.endswith(".db"))
        self.assertEqual(names, ["figures-%d.db" % v for v in
                                 range(last["version"] - 2, last["version"] + 1)])
        self.assertFalse([n for n in os.listdir(self.pub) if n.endswith(".tmp")])

    def test_a_second_follow_with_nothing_new_is_a_304_and_changes_nothing(self):
        self.publish(change=False)
        self.follow()
        before = (self.link(), os.stat(self.node.db).st_ino, self.versions())
        p = self.follow()
        self.assertIn("unchanged (HTTP 304)", p.stderr)
        self.assertEqual(before, (self.link(), os.stat(self.node.db).st_ino, self.versions()))
        with open(os.path.join(self.writer.nginx_log, "access.log")) as f:
            manifest = [line for line in f if "/snapshots/manifest.json" in line]
        self.assertEqual([int(line.split('"')[2].split()[0]) for line in manifest], [200, 304])

    def assert_rejected(self, needle, kept):
        p = self.follow(check=False)
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertIn(needle, p.stderr)
        self.assertIn("; the version served (%d) is kept" % kept, p.stderr)
        self.assertEqual(self.link(), "figures.db.versions/figures-%d.db" % kept)
        self.assertEqual(self.versions(), ["figures-%d.db" % kept])   # no download left
        h = self.health()
        self.assertEqual(h["database"]["data_version"], kept)
        self.assertEqual(h["follow"]["version"], kept)
        self.assertIn(needle, h["follow"]["last_error"])
        self.assertEqual(self.node.get("/v1/figures").status, 200)
        return h

    def test_a_corrupt_download_is_rejected_by_its_checksum(self):
        kept = self.publish(change=False)["version"]
        self.follow()
        m = self.publish()
        with open(os.path.join(self.pub, m["file"]), "r+b") as f:
            f.seek(m["size"] // 2)
            f.write(b"\x00corrupt\x00")
        h = self.assert_rejected("does not match its manifest's checksum", kept)
        self.assertEqual(h["status"], "ok")   # it failed once; its last good follow is recent
        # a cut download too (the manifest's size)
        self.rewrite_manifest(size=m["size"] + 4096)
        self.assert_rejected("its manifest says %d" % (m["size"] + 4096), kept)

    def test_a_snapshot_that_fails_quick_check_is_rejected(self):
        kept = self.publish(change=False)["version"]
        self.follow()
        m = self.publish()
        path = os.path.join(self.pub, m["file"])
        with open(path, "r+b") as f:
            for page in range(5, m["size"] // 4096):
                f.seek(page * 4096 + 8)
                f.write(b"\xff" * 300)
        self.rewrite_manifest(sha256=sha256(path))
        self.assert_rejected("is not a whole database (PRAGMA quick_check", kept)

    def test_a_snapshot_of_another_schema_is_rejected(self):
        kept = self.publish(change=False)["version"]
        self.follow()
        m = self.publish()
        # said by the manifest: not even downloaded
        self.rewrite_manifest(schema_version=LATEST + 1)
        self.assert_rejected("publishes schema version %d, this build serves %d"
                             % (LATEST + 1, LATEST), kept)
        # or only by the file
        path = os.path.join(self.pub, m["file"])
        with sqlite3.connect(path) as c:
            c.execute("PRAGMA user_version = %d" % (LATEST + 1))
        c.close()
        self.rewrite_manifest(schema_version=LATEST, sha256=sha256(path),
                              size=os.path.getsize(path))
        self.assert_rejected("has schema version %d, this build serves %d: upgrade figures "
                             "on this node" % (LATEST + 1, LATEST), kept)

    def test_an_unusable_or_older_manifest_is_rejected(self):
        self.publish(change=False)
        kept = self.publish()["version"]
        self.follow()
        self.rewrite_manifest(file="../../etc/passwd")
        self.assert_rejected("is not a plain file name", kept)
        self.rewrite_manifest(file="figures-%d.db" % (kept - 1), version=kept - 1)
        self.assert_rejected("older than the %d served here" % kept, kept)

    def test_an_unreachable_writer_leaves_the_last_version_and_health_says_how_old(self):
        m = self.publish(change=False)
        self.follow("--follow-max-age", "1")
        dead = "http://127.0.0.1:%d/snapshots/manifest.json" % harness.free_port()
        p = self.follow("--follow-max-age", "1", "--retries", "0", url=dead, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("fetching the manifest", p.stderr)
        self.assertEqual(self.node.get("/v1/figures?metric=escaped").status, 200)
        time.sleep(2.2)   # past --follow-max-age 1: a bound of the health logic, not a timing
        h = self.health()
        self.assertEqual(h["status"], "degraded")
        f = h["follow"]
        self.assertEqual((f["version"], f["url"], f["max_age_seconds"]), (m["version"], dead, 1))
        self.assertGreaterEqual(f["age_seconds"], 2)
        self.assertTrue(f["stale"])
        self.assertIn("fetching the manifest", f["last_error"])
        self.assertGreaterEqual(f["last_attempt"], f["last_success"])
        # back to the writer: healthy again
        self.follow()
        self.assertEqual(self.health()["status"], "ok")

    def test_health_redacts_the_follow_url(self):
        self.publish(change=False)
        self.follow(url=self.url + "?token=s3cret")
        f = self.health()["follow"]
        self.assertNotIn("s3cret", json.dumps(f))
        self.assertEqual(f["url"], self.url + "?token=REDACTED")

    def test_a_regular_file_at_the_path_is_not_replaced(self):
        self.publish(change=False)
        refresh(self.node.db, "--migrate", "--quiet")
        p = self.follow(check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is not a link a follower made (a regular file)", p.stderr)
        self.assertTrue(os.path.isfile(self.node.db) and not os.path.islink(self.node.db))

    def test_usage_errors_say_what_to_do(self):
        for args, needle in [
            (("--follow", "ftp://x/manifest.json"), "must be the manifest's http://"),
            (("--follow", self.url, "--migrate"), "goes with no --migrate"),
            (("--follow", self.url, "--publish", self.pub), "goes with no --migrate, --publish"),
            (("--follow", self.url, "--replace", "x.db"), "at a time"),
            (("--publish", self.pub, "--dry-run"), "not with --replace or --dry-run"),
            (("--publish", self.pub, "--keep", "0"), "--keep '0' must be a whole number"),
        ]:
            with self.subTest(args=args):
                p = refresh(self.node.db, *args, check=False)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn(needle, p.stderr)
        p = refresh(self.writer.db, "--publish", os.path.join(self.tmp, "nowhere"), check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("nowhere: not a directory (create it", p.stderr)
        # a directory another database published into, further along: refused
        self.publish(change=False)
        self.rewrite_manifest(version=99)
        p = refresh(self.writer.db, "--publish", self.pub, check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("is at data version 99, newer than this database's", p.stderr)


    def test_a_directory_another_refresher_is_publishing_into_is_refused_at_once(self):
        self.publish(change=False)
        with open(os.path.join(self.pub, ".publish.lock"), "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            p = refresh(self.writer.db, "--publish", self.pub, check=False)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn(".publish.lock: held by another process (another figures-refresh "
                      "publishing there?)", p.stderr)
        # released, the same command publishes (nothing new: said so)
        p = refresh(self.writer.db, "--publish", self.pub)
        self.assertIn("nothing to publish", p.stderr)


class OneWorker(Base):
    """One worker, so which version it holds is known."""
    workers = 1

    def test_old_versions_are_removed_only_when_no_worker_holds_them(self):
        v1 = self.publish(change=False)["version"]
        self.follow()
        self.assertEqual(self.node.get("/v1/figures").status, 200)   # the worker holds v1
        v2 = self.publish()["version"]
        p = self.follow()
        self.assertIn("older version kept: a worker still reads it", p.stderr)
        self.assertEqual(self.versions(), ["figures-%d.db" % v1, "figures-%d.db" % v2])
        # its next request moves it to v2 and lets v1 go
        self.assertEqual(self.node.get("/v1/health").json()["database"]["data_version"], v2)
        self.follow()
        self.assertEqual(self.versions(), ["figures-%d.db" % v2])
        # SQLite's own (POSIX) locks do not hold a version: only the workers' flock does
        old = os.path.join(self.node.db + ".versions", "figures-%d.db" % v2)
        reader = sqlite3.connect("file:%s?mode=ro" % old, uri=True)
        try:
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM figure").fetchone()   # a SHARED lock held
            v3 = self.publish()["version"]
            self.follow()
            self.assertEqual(self.node.get("/v1/health").json()["database"]["data_version"], v3)
            self.follow()
            self.assertEqual(self.versions(), ["figures-%d.db" % v3])
        finally:
            reader.close()

    def test_requests_while_the_link_switches_each_answer_one_version(self):
        # what every version answers, from the writer (ETag -> data)
        known = {}

        def record():
            r = self.writer.get("/v1/figures?limit=100")
            known[r.header("etag")] = (r.json()["data"], r.json()["meta"]["data_as_of"])

        self.publish(change=False)
        record()
        self.follow()
        answers, errors, stop = [], [], threading.Event()

        def load():
            while not stop.is_set():
                r = self.node.get("/v1/figures?limit=100")
                if r.status != 200:
                    errors.append((r.status, r.body[:200]))
                else:
                    answers.append((r.header("etag"), r.json()["data"],
                                    r.json()["meta"]["data_as_of"]))

        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            for _ in range(4):
                self.publish()
                record()
                self.follow()
                time.sleep(0.2)
        finally:
            stop.set()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertGreater(len(answers), 10)
        seen = set()
        for etag, data, as_of in answers:
            self.assertIn(etag, known)
            self.assertEqual((data, as_of), known[etag])   # one version's validator, data and time
            seen.add(etag)
        self.assertGreaterEqual(len(seen), 2)
        # the worker's next request lets the last old version go; the next follow removes it
        self.assertEqual(self.node.get("/v1/figures").status, 200)
        self.follow()
        self.assertEqual(len(self.versions()), 1)
