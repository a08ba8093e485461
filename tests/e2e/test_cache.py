"""nginx's microcache: a burst costs the workers one request, a refresh shows
within the cache time, and dead workers are covered by stale copies. An answer
is stored only when its URL is asked again (fastcgi_cache_min_uses 2), in a
directory on memory (tmpfs) that is gone when the service stops. An expired
copy is revalidated (fastcgi_cache_revalidate): nginx asks the worker with the
copy's ETag, and keeps the copy when the worker answers 304; a copy is never
kept past a change of the data, nor past a change of what its ETag covers."""
import os
import re
import shutil
import signal
import sqlite3
import tempfile
import time
import unittest

import harness
from harness import Service, import_revised_seed


class MicroCache(unittest.TestCase):
    def setUp(self):
        self.svc = Service(cache=1)
        self.svc.start()

    def tearDown(self):
        self.svc.stop()

    def cached_files(self):
        return [os.path.join(d, f) for d, _, fs in os.walk(self.svc.cache_dir) for f in fs]

    def test_a_url_asked_once_is_not_stored_asked_twice_it_is(self):
        path = "/v1/figures?metric=escaped&limit=7"
        once = self.svc.get(path)
        self.assertEqual((once.status, once.header("x-cache")), (200, "MISS"))
        self.assertEqual(self.cached_files(), [], "an answer asked for once was written")
        other = self.svc.get("/v1/figures?metric=escaped&limit=8")
        self.assertEqual(other.header("x-cache"), "MISS")
        self.assertEqual(self.cached_files(), [], "two URLs asked once each were written")
        twice = self.svc.get(path)
        self.assertEqual(twice.header("x-cache"), "MISS", "the second asking fills the entry")
        self.assertEqual(len(self.cached_files()), 1, "the URL asked twice is stored, once")
        thrice = self.svc.get(path)
        self.assertEqual(thrice.header("x-cache"), "HIT")
        self.assertEqual(thrice.body, twice.body)

    def test_the_cache_is_on_memory_and_gone_when_the_service_stops(self):
        real = os.path.realpath(self.svc.cache_dir)
        mounts = []
        with open("/proc/mounts") as f:
            for line in f:
                _, where, fstype = line.split()[:3]
                if real == where or real.startswith(where.rstrip("/") + "/"):
                    mounts.append((len(where), fstype))
        self.assertIn(max(mounts)[1], ("tmpfs", "ramfs"), "the cache is on %s" % real)
        self.assertFalse(real.startswith(self.svc.dir), "the cache is beside the rest, on disk")
        path = "/v1/summary?metric=escaped"
        self.svc.get(path)
        self.svc.get(path)
        self.assertTrue(self.cached_files())
        self.svc.stop()
        self.assertFalse(os.path.exists(real), "the cache directory outlived the service")
        self.svc.start()   # for tearDown

    def test_hits_and_a_refresh_shows_within_the_cache_time(self):
        path = "/v1/figures?metric=escaped&location=ain-issa-camp"
        first = self.svc.get(path)
        self.assertEqual(first.header("x-cache"), "MISS")
        self.assertEqual(self.svc.get(path).header("x-cache"), "MISS", "asked twice: now stored")
        second = self.svc.get(path)
        self.assertEqual(second.header("x-cache"), "HIT")
        self.assertEqual(second.body, first.body)
        r = self.svc.get(path, {"If-None-Match": first.header("etag")})
        self.assertEqual(r.status, 304, "nginx answers revalidations from its copy too")
        import_revised_seed(self.svc.db)
        # An entry lives 1 s (whole seconds: up to 2); the first request after that
        # gets the old copy while nginx fetches the new one in the background.
        seen = []
        for _ in range(40):
            seen.append(sorted(f["value"] for f in self.svc.get(path).json()["data"]))
            if seen[-1] == [150, 800]:
                break
            time.sleep(0.1)
        self.assertEqual(seen[-1], [150, 800], "the refresh never showed")
        self.assertLessEqual(len(seen), 30, "the refresh took longer than the cache time")
        self.assertIsNone(self.svc.get("/v1/health").header("x-cache"), "health is never cached")

    def revalidations(self, path):
        """How often nginx logged a copy of path kept on a worker's 304."""
        with open(os.path.join(self.svc.nginx_log, "access.log")) as f:
            return sum(1 for line in f if '"GET %s HTTP' % path in line and
                       line.rstrip().endswith("cache=REVALIDATED upstream=304"))

    def stored_then_revalidated(self, path):
        """Stores path, lets its copy expire and be revalidated; returns the first answer."""
        first = self.svc.get(path)
        self.svc.get(path)
        self.assertEqual(self.svc.get(path).header("x-cache"), "HIT")
        time.sleep(2.2)   # past the copy's validity (1 s, whole seconds)
        for _ in range(30):
            r = self.svc.get(path)
            self.assertEqual(r.status, 200)
            # the copy's very bytes: made once, by the first render (its generated_at)
            self.assertEqual(r.body, first.body, "an expired copy was rendered again")
            self.assertEqual(r.header("etag"), first.header("etag"))
            if self.revalidations(path):
                break
            time.sleep(0.1)
        self.assertEqual(self.revalidations(path), 1,
                         "nginx did not ask the worker conditionally (no 304 logged)")
        return first

    def test_an_expired_copy_is_revalidated_by_a_304_not_rendered_again(self):
        path = "/v1/summary?metric=escaped"
        first = self.stored_then_revalidated(path)
        again = self.svc.get(path)
        self.assertEqual((again.header("x-cache"), again.body), ("HIT", first.body),
                         "a revalidated copy is fresh again for the cache time")
        # a client's own validator, against the revalidated copy
        r = self.svc.get(path, {"If-None-Match": first.header("etag")})
        self.assertEqual((r.status, r.body, r.header("etag")), (304, b"", first.header("etag")))
        r = self.svc.get(path, {"If-None-Match": '"0000000000000000"'})
        self.assertEqual((r.status, r.body), (200, first.body))
        # and on a URL not stored yet (nginx does not pass it to the worker:
        # it compares the worker's 200 with it)
        other = "/v1/summary?metric=escaped&lang=fr"
        etag = self.svc.get(other).header("etag")
        r = self.svc.get(other, {"If-None-Match": etag})
        self.assertEqual((r.status, r.header("x-cache"), r.body), (304, "MISS", b""))

    def test_after_a_refresh_a_revalidated_copy_gives_way_to_the_new_data(self):
        path = "/v1/figures?metric=escaped&location=ain-issa-camp"
        first = self.stored_then_revalidated(path)
        import_revised_seed(self.svc.db)
        seen = []
        for _ in range(40):
            r = self.svc.get(path)
            seen.append(r)
            if r.body != first.body:
                break
            time.sleep(0.1)
        new = seen[-1]
        self.assertEqual(sorted(f["value"] for f in new.json()["data"]), [150, 800],
                         "the refresh never showed")
        self.assertLessEqual(len(seen), 30, "the refresh took longer than the cache time")
        self.assertNotEqual(new.header("etag"), first.header("etag"))
        self.assertGreaterEqual(new.json()["meta"]["generated_at"],
                                new.json()["meta"]["data_as_of"])
        for _ in range(5):   # the old bytes never come back, revalidated or not
            r = self.svc.get(path)
            self.assertEqual((r.body, r.header("etag")), (new.body, new.header("etag")))
            time.sleep(0.5)
        r = self.svc.get(path, {"If-None-Match": first.header("etag")})
        self.assertEqual((r.status, r.body), (200, new.body), "the old ETag still matched")

    def test_a_feeds_staleness_is_not_kept_by_revalidation(self):
        """/v1/feeds says which feeds are stale as of now: a feed turns stale
        with time alone, no write, so its ETag must change when one does."""
        with sqlite3.connect(self.svc.db) as db:
            db.execute("UPDATE feed SET enabled = 1, interval = 2, consecutive_failures = 0, "
                       "last_success = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")
        db.close()
        path = "/v1/feeds"
        fresh = self.svc.get(path)
        self.assertEqual(self.svc.get(path).body, fresh.body)
        self.assertEqual([f["stale"] for f in fresh.json()["data"]], [False])
        seen = []
        for _ in range(100):   # stale after 2 × interval (4 s) and a second's rounding
            r = self.svc.get(path)
            seen.append(r.json()["data"][0]["stale"])
            if seen[-1]:
                break
            time.sleep(0.1)
        self.assertTrue(seen[-1], "the feed never showed stale: an old copy was kept")
        self.assertNotEqual(r.header("etag"), fresh.header("etag"))

    def test_dead_workers_are_covered_by_stale_copies_then_a_json_503(self):
        self.svc.get("/v1/summary?metric=escaped")   # asked twice: stored
        cached = self.svc.get("/v1/summary?metric=escaped")
        self.assertEqual(cached.status, 200)
        self.svc.worker.send_signal(signal.SIGTERM)
        self.svc.worker.wait(timeout=10)
        time.sleep(2.2)   # past the copy's validity (1 s, whole seconds)
        stale = self.svc.get("/v1/summary?metric=escaped")
        self.assertEqual(stale.status, 200)
        self.assertEqual(stale.header("x-cache"), "STALE")
        self.assertEqual(stale.body, cached.body)
        never = self.svc.get("/v1/summary?metric=killed")
        self.assertEqual(never.status, 503)
        self.assertEqual(never.json()["error"], {"status": 503, "code": "unavailable", "parameter": None,
                                                 "message": never.json()["error"]["message"]})
        self.assertTrue(never.header("retry-after"))
        self.svc.procs.remove(self.svc.worker)
        self.svc.start_worker()   # and it recovers when they return
        time.sleep(0.2)
        self.assertEqual(self.svc.get("/v1/summary?metric=killed").status, 200)


class WorkerValidators(unittest.TestCase):
    """The worker's own ETag, without the microcache: what nginx revalidates with."""

    def test_the_feeds_etag_changes_when_a_feed_turns_stale_with_time(self):
        with Service() as svc:
            with sqlite3.connect(svc.db) as db:
                db.execute("UPDATE feed SET enabled = 1, interval = 1, consecutive_failures = 0, "
                           "last_success = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')")
            db.close()
            fresh = svc.get("/v1/feeds")
            self.assertEqual([f["stale"] for f in fresh.json()["data"]], [False])
            self.assertEqual(svc.get("/v1/feeds", {"If-None-Match": fresh.header("etag")}).status,
                             304)
            time.sleep(3.2)   # past 2 × interval, in whole seconds
            r = svc.get("/v1/feeds", {"If-None-Match": fresh.header("etag")})
            self.assertEqual(r.status, 200, "a feed turned stale, yet its old ETag still matched")
            self.assertEqual([f["stale"] for f in r.json()["data"]], [True])
            self.assertTrue(re.fullmatch(r'"[0-9a-f]{16}"', r.header("etag")))

    def test_another_build_of_the_same_version_makes_other_etags(self):
        """nginx keeps a copy while a worker answers 304 to its ETag: a worker
        rebuilt (same version number, other code) must not match the copies of
        the one before, which its own answers may differ from."""
        other = tempfile.mkdtemp(prefix="figures-build-")
        try:
            with open(os.path.join(harness.BIN, "figures-fcgi"), "rb") as f:
                exe = f.read()
            path = os.path.join(other, "figures-fcgi")
            with open(path, "wb") as f:
                f.write(exe + b"\0")   # a different executable, the same version
            os.chmod(path, 0o755)
            with Service() as svc:
                url = "/v1/figures?metric=escaped&limit=3"
                first = svc.get(url)
                self.assertEqual(svc.get(url, {"If-None-Match": first.header("etag")}).status, 304)
                svc.worker.send_signal(signal.SIGTERM)
                svc.worker.wait(timeout=10)
                svc.procs.remove(svc.worker)
                built, harness.BIN = harness.BIN, other
                try:
                    svc.start_worker()
                finally:
                    harness.BIN = built
                for _ in range(100):
                    r = svc.get(url, {"If-None-Match": first.header("etag")})
                    if r.status != 503:
                        break
                    time.sleep(0.05)
                self.assertEqual(r.status, 200, "another build matched the first one's ETag")
                self.assertNotEqual(r.header("etag"), first.header("etag"))
                self.assertEqual(os.path.realpath("/proc/%d/exe" % svc.worker.pid), path)
        finally:
            shutil.rmtree(other, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
