"""nginx's microcache: a burst costs the workers one request, a refresh shows
within the cache time, and dead workers are covered by stale copies."""
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

    def test_hits_and_a_refresh_shows_within_the_cache_time(self):
        path = "/v1/figures?metric=escaped&location=ain-issa-camp"
        first = self.svc.get(path)
        self.assertEqual(first.header("x-cache"), "MISS")
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
