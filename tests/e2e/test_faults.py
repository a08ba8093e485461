"""Issue 6: faults under load, bounded in time, on loopback. What survives is
asserted: the answers, the data, and the processes."""
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

import harness
from harness import Service, refresh


def load_csv(path, version, rows=200):
    """A feed whose every value is `version`: an answer mixing two refreshes shows two values."""
    lines = ["Reported,As of,Country,Location code,Location,Source,Killed,Group",
             "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#affected+killed,#description+group"]
    lines += ["2020-01-01,2020-01-01,SYR,place-%d,Place %d,Monitor %d,%d,civilians" % (i, i, i % 3, version)
              for i in range(rows)]
    with open(path, "w") as f:
        f.write("\r\n".join(lines) + "\r\n")
    return path


class RefreshUnderLoad(unittest.TestCase):
    def test_ten_refreshes_under_wrk_and_every_answer_from_one_snapshot(self):
        with Service(workers=2) as svc:
            tmp = tempfile.mkdtemp(prefix="figures-load-")
            try:
                refresh(svc.db, "--import", load_csv(os.path.join(tmp, "v0.csv"), 0), "--feed", "load", "--quiet")
                stop = threading.Event()
                seen, bad = [], []

                def check(path):
                    while not stop.is_set():
                        r = svc.get(path)
                        if r.status != 200:
                            bad.append((path, r.status, r.body[:200]))
                            continue
                        d = r.json()
                        values = {f["value"] for f in d["data"]} if "figures" in path else \
                            {c["value"] for item in d["data"] for c in item["claims"]}
                        if len(values) != 1:
                            bad.append((path, "mixed", sorted(values)))
                        seen.append(values.pop() if values else None)
                checkers = [threading.Thread(target=check, args=(p,)) for p in
                            ("/v1/figures?feed=load&limit=1000", "/v1/summary?feed=load&limit=200")]
                wrk = subprocess.Popen(["wrk", "-t2", "-c16", "-d12s",
                                        "http://127.0.0.1:%d/v1/figures?feed=load&limit=50" % svc.port],
                                       stdout=subprocess.PIPE, text=True)
                for t in checkers:
                    t.start()
                for v in range(1, 11):
                    p = refresh(svc.db, "--import", load_csv(os.path.join(tmp, "v%d.csv" % v), v),
                                "--feed", "load", check=False)
                    self.assertEqual(p.returncode, 0, p.stderr)
                    self.assertIn("0 added, 200 changed", p.stderr)
                    time.sleep(0.3)
                stop.set()
                for t in checkers:
                    t.join(timeout=30)
                out = wrk.communicate(timeout=60)[0]
                self.assertEqual(bad, [], "every answer comes whole from one snapshot")
                self.assertNotIn("Non-2xx or 3xx responses", out, out)
                self.assertRegex(out, r"Requests/sec:\s+[1-9]")
                self.assertGreaterEqual(len(set(seen)), 3, "the checkers saw refreshes happen")
                self.assertEqual(seen[-1], 10)
                self.assertFalse([s for s in svc.access_statuses() if s >= 500 or s in (404, 400)])
            finally:
                shutil.rmtree(tmp)


class BrokenDatabase(unittest.TestCase):
    def start_on(self, svc, mutate):
        """Stops the worker, breaks the database, starts a worker on it."""
        svc.worker.terminate()
        svc.worker.wait(timeout=10)
        svc.procs.remove(svc.worker)
        mutate(svc.db)
        svc.start_worker()

    def assert_unavailable(self, svc, why):
        r = svc.get("/v1/health")
        self.assertEqual(r.status, 503)
        self.assertEqual(r.json()["status"], "unavailable")
        self.assertIn(why, r.json()["reason"])
        for path in ("/v1/figures", "/v1/summary", "/v1/feeds"):
            r = svc.get(path)
            self.assertEqual(r.status, 503, path)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
        # a card's 503 is a card saying so (inside an iframe), JSON to a program that asks
        r = svc.get("/v1/embed/figures/1")
        self.assertEqual((r.status, r.header("content-type")), (503, "text/html; charset=utf-8"))
        self.assertIn("These figures cannot be shown right now", r.body.decode("utf-8"))
        self.assertIsNotNone(r.header("retry-after"))
        r = svc.get("/v1/embed/figures/1", {"Accept": "application/json"})
        self.assertEqual((r.status, r.json()["error"]["code"]), (503, "unavailable"))
        self.assertEqual(svc.get("/v1/openapi.json").status, 200, "what needs no database still answers")

    def test_a_newer_schema_is_a_503_until_the_worker_is_upgraded(self):
        with Service() as svc:
            def newer(db):
                with sqlite3.connect(db) as c:
                    c.execute("PRAGMA user_version = 99")
            self.start_on(svc, newer)
            self.assert_unavailable(svc, "schema version 99")
            self.assertIn("upgrade figures-fcgi", svc.get("/v1/health").json()["reason"])

    def test_a_corrupt_database_is_a_503_and_nothing_crashes(self):
        with Service() as svc:
            def corrupt(db):
                for suffix in ("-wal", "-shm"):
                    if os.path.exists(db + suffix):
                        os.unlink(db + suffix)
                with open(db, "r+b") as f:
                    f.write(b"this is not an SQLite database" * 10)
            self.start_on(svc, corrupt)
            self.assert_unavailable(svc, "")
            self.assertIsNone(svc.worker.poll(), "the supervisor is alive")

    def test_a_full_disk_fails_the_refresh_cleanly_and_keeps_the_old_data(self):
        with Service(seed=False) as svc:
            tmp = tempfile.mkdtemp(prefix="figures-full-")
            try:
                refresh(svc.db, "--import", load_csv(os.path.join(tmp, "v0.csv"), 0, rows=50),
                        "--feed", "load", "--quiet")
                big = load_csv(os.path.join(tmp, "v1.csv"), 1, rows=20000)
                # No file may grow past the limit: at 64 KB the spool hits the wall,
                # at 4 MB the spool fits and the database's write-ahead log does.
                for limit, needle, code in (("65536", "File too large", 1),
                                            ("4194304", "disk I/O error|database or disk is full", 2)):
                    with self.subTest(limit=limit):
                        p = subprocess.run(["prlimit", "--fsize=" + limit,
                                            os.path.join(harness.BIN, "figures-refresh"), "--db",
                                            svc.db, "--import", big, "--feed", "load"],
                                           capture_output=True, text=True, timeout=120)
                        self.assertEqual(p.returncode, code, p.stderr)
                        self.assertRegex(p.stderr, needle)
                        self.assertIn("last good data kept", p.stderr)
                        with sqlite3.connect(svc.db) as c:
                            self.assertEqual(c.execute("PRAGMA integrity_check").fetchone()[0], "ok")
                        d = svc.get("/v1/figures?feed=load&limit=1000").json()
                        self.assertEqual((d["meta"]["total"], {f["value"] for f in d["data"]}), (50, {0}))
                # with room again, the next refresh goes through
                p = refresh(svc.db, "--import", load_csv(os.path.join(tmp, "v2.csv"), 1, rows=50),
                            "--feed", "load")
                self.assertIn("0 added, 50 changed", p.stderr)
            finally:
                shutil.rmtree(tmp)


class SlowClientsAndFloods(unittest.TestCase):
    def test_slow_clients_do_not_starve_others_and_are_dropped(self):
        with Service() as svc:
            slow = []
            for _ in range(300):
                s = socket.create_connection(("127.0.0.1", svc.port), timeout=5)
                s.sendall(b"GET /v1/figures HTTP/1.1\r\nHost: x\r\n")   # never finishes the headers
                slow.append(s)
            try:
                t0 = time.monotonic()
                for _ in range(20):
                    self.assertEqual(svc.get("/v1/figures?metric=escaped").status, 200)
                self.assertLess(time.monotonic() - t0, 5, "300 slow clients held the others up")
                time.sleep(11)   # nginx's client_header_timeout is 10 s
                closed = 0
                for s in slow:
                    s.settimeout(2)
                    try:
                        data = s.recv(4096)
                        closed += data == b"" or b"408" in data
                    except (ConnectionResetError, socket.timeout):
                        closed += 1
                self.assertEqual(closed, 300, "nginx drops clients that never finish a request")
            finally:
                for s in slow:
                    s.close()

    def test_a_flood_from_one_address_is_limited_without_starving_another(self):
        with Service(rate=5) as svc:
            def get_from(addr):
                s = socket.create_connection(("127.0.0.1", svc.port), timeout=5, source_address=(addr, 0))
                s.sendall(b"GET /v1/metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                s.close()
                return int(data.split(b" ", 2)[1]), data
            flood = [get_from("127.0.0.1") for _ in range(60)]
            limited = [d for st, d in flood if st == 429]
            self.assertGreater(len(limited), 20, "the flood is limited")
            self.assertIn(b'"code":"rate_limited"', limited[0])
            self.assertIn(b"Retry-After", limited[0])
            others = [get_from("127.0.0.2")[0] for _ in range(5)]
            self.assertEqual(others, [200] * 5, "another address is not starved")


if __name__ == "__main__":
    unittest.main()
