"""One end-to-end pass with every worker under valgrind's memcheck: good
requests and every bad input of test_api, then no error and nothing lost."""
import glob
import os
import re
import shutil
import subprocess
import unittest

from harness import CONTRACT_CHECK, Service, patient_timeout
import test_api

# Workers under memcheck start many times slower than bare ones, and slower still
# on a loaded machine: the waits for their health are long and grow with the load.
# They are waits, not timings: a fast start passes at once.
VALGRIND_READY = 60


@unittest.skipIf("ASAN_OPTIONS" in os.environ, "valgrind and the sanitizers do not mix: the normal build's pass")
@unittest.skipUnless(shutil.which("valgrind"), "valgrind is installed by scripts/deps test")
class Memcheck(unittest.TestCase):
    def test_the_worker_under_memcheck(self):
        svc = Service(workers=2, wrap=[], ready_timeout=patient_timeout(VALGRIND_READY))
        logs = None
        try:
            svc.dir_hint = None
            svc.wrap = ["valgrind", "--tool=memcheck", "--leak-check=full",
                        "--show-leak-kinds=definite,indirect", "--errors-for-leak-kinds=definite,indirect",
                        "--track-origins=yes", "--num-callers=30"]
            svc.start()
            logs = os.path.join(svc.dir, "valgrind")
            os.makedirs(logs)
            os.chmod(logs, 0o777)
            # a read node's follow state beside the database: /v1/health reads it
            with open(svc.db + ".follow.json", "w") as f:
                f.write('{"url": "https://w.example/snapshots/manifest.json?token=x", '
                        '"version": 1, "data_as_of": "2026-11-30T12:00:00Z", '
                        '"last_success": "2026-11-30T12:00:00Z", "last_error": "boom", '
                        '"max_age": 60}')
            # restart the worker with its logs in place (the directory exists only now)
            svc.worker.terminate()
            svc.worker.wait(timeout=60)
            svc.procs.remove(svc.worker)
            svc.wrap.append("--log-file=%s/vg.%%p" % logs)
            svc.start_worker()
            # workers under valgrind start slowly: wait for a healthy answer, not just any
            svc.wait_ready(patient_timeout(2 * VALGRIND_READY), statuses=(200,))
            paths = ["/v1/figures?metric=escaped", "/v1/figures/2", "/v1/summary", "/v1/figures?format=csv",
                     "/v1/figures?format=hxl", "/v1/embed/figures/2?lang=ar", "/v1/embed/summary?metric=escaped",
                     "/v1/locations", "/v1/sources", "/v1/metrics", "/v1/feeds", "/v1/health",
                     "/v1/openapi.json", "/v1/figures?as_of_date=2030-01-01", "/v1/oembed?url=x",
                     "/v1/search?q=%25ai_", "/", "/?q=issa", "/places/ain-issa-camp",
                     "/places/ain-issa-camp?lang=ar", "/figures/2", "/places/nowhere", "/figures/x"]
            paths += [p for p, *_ in test_api.Api.BAD if len(p) < 3000]
            paths += ["/v1/changes?since=2000-01-01&limit=3", "/v1/changes.atom?metric=escaped&limit=2",
                      "/v1/changes?since=2000-01-01&cursor=YzF8MjAyNi0xMi0wMVQwMjoxMDoxOVp8M3ww",
                      "/v1/changes?since=bad", "/v1/changes.atom?since=2000-01-01&location=ain-issa-camp"]
            for p in paths:
                self.assertLess(svc.get(p).status, 500, p)
            subprocess.run(["python3", CONTRACT_CHECK, "http://127.0.0.1:%d" % svc.port],
                           capture_output=True, timeout=300)
        finally:
            svc.stop() if logs is None else None
        try:
            svc.worker.terminate()
            svc.worker.wait(timeout=120)
            reports = glob.glob(os.path.join(logs, "vg.*"))
            self.assertGreaterEqual(len(reports), 3, "the supervisor and each worker report")
            for path in reports:
                with open(path) as f:
                    text = f.read()
                self.assertRegex(text, r"ERROR SUMMARY: 0 errors", "%s:\n%s" % (path, text[-4000:]))
                for kind in ("definitely", "indirectly"):
                    m = re.search(r"%s lost: ([\d,]+) bytes" % kind, text)
                    self.assertTrue(m is None or m.group(1) == "0", "%s:\n%s" % (path, text[-4000:]))
        finally:
            svc.stop()


if __name__ == "__main__":
    unittest.main()
