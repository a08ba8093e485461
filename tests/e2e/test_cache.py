"""nginx's microcache: a burst costs the workers one request, a refresh shows
within the cache time, and dead workers are covered by stale copies. An answer
is stored only when its URL is asked again (fastcgi_cache_min_uses 2), in a
directory on memory (tmpfs) that is gone when the service stops."""
import os
import signal
import tempfile
import time
import unittest

from harness import SEED, Service, refresh

with open(SEED, encoding="utf-8") as _f:
    LINES = _f.read().splitlines()


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
        fd, changed = tempfile.mkstemp(suffix=".csv")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\r\n".join(LINES[:3] + [LINES[3].replace(",,100,", ",,150,")] + LINES[4:]) + "\r\n")
        refresh(self.svc.db, "--import", changed, "--feed", "ain-issa-report", "--quiet")
        os.unlink(changed)
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


if __name__ == "__main__":
    unittest.main()
