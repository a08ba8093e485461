"""figures-fcgi as a process: arguments, its workers, a missing database, and the
whole service running without root."""
import os
import pwd
import shutil
import signal
import sqlite3
import subprocess
import tempfile
import time
import unittest

import harness
from harness import BIN, ROOT, SEED, Service, free_port, refresh

FCGI = os.path.join(BIN, "figures-fcgi")


def workers_of(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return sorted(int(x) for x in out.split())


class Arguments(unittest.TestCase):
    def test_help_and_bad_arguments(self):
        p = subprocess.run([FCGI, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--socket", p.stdout)
        for args, needle in [((), "are required"), (("--db", "x"), "are required"),
                             (("--db", "x", "--socket", "s", "--workers", "0"), "--workers"),
                             (("--db", "x", "--socket", "s", "--workers", "abc"), "--workers"),
                             (("--db", "x", "--socket", "s", "--socket-mode", "999"), "octal"),
                             (("--nope",), "unknown or incomplete option")]:
            with self.subTest(args=args):
                p = subprocess.run([FCGI, *args], capture_output=True, text=True)
                self.assertEqual(p.returncode, 2)
                self.assertIn(needle, p.stderr)


@unittest.skipUnless(os.geteuid() == 0, "only root has privileges to drop")
class LeastPrivilege(unittest.TestCase):
    def test_root_without_user_is_refused(self):
        p = subprocess.run([FCGI, "--db", "/nonexistent.db", "--socket", "/tmp/x.sock"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("refusing to run as root", p.stderr)
        p = subprocess.run([FCGI, "--db", "x", "--socket", "s", "--user", "no-such-user-x"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no such user", p.stderr)

    def test_workers_drop_to_their_user_and_cannot_regain_privileges(self):
        with Service(workers=2) as svc:
            self.assertEqual(svc.get("/v1/figures?metric=escaped").status, 200)
            for pid in workers_of(svc.worker.pid):
                with open("/proc/%d/status" % pid) as f:
                    status = dict(line.split(":", 1) for line in f)
                uid = pwd.getpwnam("www-data").pw_uid
                self.assertEqual([int(x) for x in status["Uid"].split()], [uid] * 4, "real, effective, saved, fs")
                self.assertEqual(status["NoNewPrivs"].strip(), "1")
                self.assertEqual(status["Groups"].strip(), "", "no supplementary groups")
                with open("/proc/%d/limits" % pid) as f:
                    limits = f.read()
                # the sanitizers reserve terabytes of address space: no limit in that build
                want = "unlimited" if "ASAN_OPTIONS" in os.environ else "1073741824"
                self.assertRegex(limits, r"Max address space\s+%s\s" % want)
            # the database they read is not theirs to write
            self.assertNotEqual(os.stat(svc.db).st_uid, uid)


class Workers(unittest.TestCase):
    def test_a_killed_worker_is_replaced_and_the_others_keep_answering(self):
        with Service(workers=3) as svc:
            before = workers_of(svc.worker.pid)
            self.assertEqual(len(before), 3)
            os.kill(before[0], signal.SIGKILL)
            for _ in range(20):
                self.assertEqual(svc.get("/v1/figures?metric=escaped").status, 200)
            for _ in range(50):
                after = workers_of(svc.worker.pid)
                if len(after) == 3 and before[0] not in after:
                    break
                time.sleep(0.1)
            self.assertEqual(len(after), 3)
            self.assertNotIn(before[0], after)
            self.assertIn("killed by signal 9; restarting", svc.log("worker"))

    def test_a_missing_database_is_a_503_until_it_appears(self):
        svc = Service(seed=False)
        try:
            svc.start()
            os.rename(svc.db, svc.db + ".away")
            # workers that had not opened it yet now find nothing
            svc.worker.send_signal(signal.SIGTERM)
            svc.worker.wait(timeout=10)
            svc.procs.remove(svc.worker)
            svc.start_worker()
            r = svc.get("/v1/health")
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["status"], "unavailable")
            self.assertIn("does not exist", r.json()["reason"])
            r = svc.get("/v1/figures")
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
            self.assertTrue(r.header("retry-after"))
            os.rename(svc.db + ".away", svc.db)
            refresh(svc.db, "--import", SEED, "--feed", "ain-issa-report", "--quiet")
            self.assertEqual(svc.get("/v1/health").status, 200)
            time.sleep(1.1)   # a worker retries opening at most once a second
            self.assertEqual(svc.get("/v1/figures").json()["meta"]["total"], 10)
        finally:
            svc.stop()


class DimensionRows(unittest.TestCase):
    """A worker keeps the metrics, places, sources and feeds its figures name
    (store/dims.h) between requests: a change to them shows in its next answer."""

    def test_a_renamed_place_and_source_show_in_the_next_answer(self):
        with Service(workers=1) as svc:
            def first():
                r = svc.get("/v1/figures?limit=1")
                self.assertEqual(r.status, 200)
                return r.json()["data"][0]
            fig = first()
            for _ in range(3):   # the one worker has them all kept by now
                self.assertEqual(first(), fig)
            with sqlite3.connect(svc.db) as c:
                c.execute("UPDATE location SET name = 'Renamed place' WHERE code = ?",
                          (fig["location"]["code"],))
                c.execute("UPDATE source SET url = 'https://example.org/moved' WHERE code = ?",
                          (fig["source"]["id"],))
                c.execute("UPDATE metric SET category = category WHERE code = ?", (fig["metric"],))
            fig = first()
            self.assertEqual(fig["location"]["name"], "Renamed place")
            self.assertEqual(fig["source"]["url"], "https://example.org/moved")
            self.assertIn("Renamed place", fig["attribution"])

    def test_a_feeds_changed_interval_shows_in_the_next_answers_cache_control(self):
        # the feeds' shortest interval is kept too (store_begin), until the data version moves
        with Service(workers=1) as svc:
            for n in range(1, 4):   # the one worker has it kept by now
                cc = svc.get("/v1/figures?limit=%d" % n).header("cache-control")
                self.assertEqual(cc, "public, max-age=600, stale-while-revalidate=600")
            with sqlite3.connect(svc.db) as c:   # no refresh: only the file's version moves
                c.execute("UPDATE feed SET interval = 600, enabled = 1")
            cc = svc.get("/v1/figures?limit=4").header("cache-control")
            self.assertEqual(cc, "public, max-age=60, stale-while-revalidate=60")

    def test_a_figure_naming_a_missing_place_is_a_503_that_says_so(self):
        with Service(workers=1) as svc:
            fig = svc.get("/v1/figures?limit=1").json()["data"][0]
            with sqlite3.connect(svc.db) as c:   # foreign keys are off on this connection
                c.execute("DELETE FROM location WHERE code = ?", (fig["location"]["code"],))
            r = svc.get("/v1/figures/%d" % fig["id"])
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
            self.assertRegex(svc.log("worker"), r"figure %d names location \d+, which the "
                             r"database does not hold" % fig["id"])

    def test_a_place_id_beyond_a_summary_key_is_a_503_that_names_it(self):
        # a summary page's claims are keyed by metric_id * 2^40 + location_id (store_claim_keys)
        with Service(workers=1) as svc:
            fig = svc.get("/v1/figures?limit=1").json()["data"][0]
            with sqlite3.connect(svc.db) as c:   # foreign keys are off on this connection
                old = c.execute("SELECT id FROM location WHERE code = ?",
                                (fig["location"]["code"],)).fetchone()[0]
                c.execute("UPDATE location SET id = ?1 WHERE id = ?2", (1 << 40, old))
                c.execute("UPDATE figure SET location_id = ?1 WHERE location_id = ?2", (1 << 40, old))
            r = svc.get("/v1/summary?location=%s" % fig["location"]["code"])
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
            self.assertRegex(svc.log("worker"), r"location id %d is beyond what a summary's key "
                             r"holds" % (1 << 40))

    def test_a_claim_longer_than_a_summary_chunk_comes_out_whole(self):
        # a summary copies its claims' strings into 64 KB chunks (app/api/summary.c); a claim
        # whose strings are longer gets a block of its own (ingest refuses such strings: an
        # older writer, or one by hand, may not have)
        with Service(workers=1) as svc:
            before = svc.get("/v1/summary?limit=200").json()["data"]
            claim = before[len(before) // 2]["claims"][0]
            text = "«" + "q" * 70000 + "» end"
            with sqlite3.connect(svc.db) as c:
                c.execute("UPDATE figure SET quote = ? WHERE id = ?", (text, claim["id"]))
            r = svc.get("/v1/summary?limit=200")
            self.assertEqual(r.status, 200, r.body[:300])
            after = r.json()["data"]
            claim["quote"] = text
            self.assertEqual(after, before)


@unittest.skipUnless(os.geteuid() == 0, "already unprivileged: every other test runs without root")
class WithoutRoot(unittest.TestCase):
    """nginx and the worker as an ordinary user, with everything under a directory of ours."""

    def test_the_service_runs_as_nobody(self):
        nobody = pwd.getpwnam("nobody")
        tmp = tempfile.mkdtemp(prefix="figures-nobody-")
        procs = []
        try:
            os.chmod(tmp, 0o755)
            db, sock, port = os.path.join(tmp, "f.db"), os.path.join(tmp, "s.sock"), free_port()
            refresh(db, "--migrate", "--quiet")
            refresh(db, "--import", SEED, "--feed", "ain-issa-report", "--quiet")
            prefix = os.path.join(tmp, "nginx")
            as_nobody = ["setpriv", "--reuid=%d" % nobody.pw_uid, "--regid=%d" % nobody.pw_gid,
                         "--clear-groups"]
            # nginx-conf run as nobody renders the unprivileged variant (no user line)
            os.makedirs(prefix)
            for root, dirs, files in os.walk(tmp):
                for n in dirs + files:
                    os.chown(os.path.join(root, n), nobody.pw_uid, nobody.pw_gid)
            os.chown(tmp, nobody.pw_uid, nobody.pw_gid)
            conf = subprocess.run(as_nobody + [os.path.join(ROOT, "scripts", "nginx-conf"), prefix,
                                               "127.0.0.1:%d" % port, sock, "0"],
                                  capture_output=True, text=True, check=True).stdout.strip()
            log = os.path.join(prefix, "logs", "error.log")
            t = subprocess.run(as_nobody + ["nginx", "-t", "-p", prefix, "-c", conf, "-e", log],
                               capture_output=True, text=True)
            self.assertEqual(t.returncode, 0, t.stderr)
            for args in ([FCGI, "--db", db, "--socket", sock, "--workers", "2"],
                         ["nginx", "-p", prefix, "-c", conf, "-e", log]):
                procs.append(subprocess.Popen(as_nobody + args, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.DEVNULL,
                                              preexec_fn=harness._die_with_parent))
            svc = Service.__new__(Service)
            svc.port = port
            svc.wait_ready()
            r = svc.get("/v1/figures?metric=escaped")
            self.assertEqual(r.status, 200)
            self.assertEqual(r.json()["meta"]["total"], 2)
            users = subprocess.run(["ps", "-o", "user=", "-C", "nginx,figures-fcgi"],
                                   capture_output=True, text=True).stdout.split()
            self.assertIn("nobody", users)
            # the microcache's directory: on tmpfs for nobody too, then removed
            with open(os.path.join(prefix, "cache-dir")) as f:
                cache_dir = f.read().strip()
            self.assertEqual(os.stat(cache_dir).st_uid, nobody.pw_uid)
        finally:
            for p in procs:
                p.terminate()
                p.wait(timeout=10)
            subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), "--clean",
                            os.path.join(tmp, "nginx")])
            shutil.rmtree(tmp, ignore_errors=True)
        self.assertFalse(os.path.exists(cache_dir), "the cache directory outlived the service")


if __name__ == "__main__":
    unittest.main()
