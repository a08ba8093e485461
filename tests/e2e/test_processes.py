"""No process outlives what started it, and nginx's kept connections to the
workers never leave a request waiting.

- figures-fcgi and the benchmark's responders (fcgi_static, fcgi_rows: both
  tests/bench/prefork.c) stop every worker they forked on SIGTERM, and their
  workers stop by themselves when the parent is killed outright
  (PR_SET_PDEATHSIG). Until 2026-12 fcgi_static died of SIGTERM alone and its
  four workers outlived every test run.
- nginx keeps idle connections to the workers (fastcgi_keep_conn, upstream
  keepalive), and a worker answers one connection at a time: more concurrent
  clients than workers, bursts and idle pauses in between, all get answers.
"""
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import unittest
import urllib.request

from harness import BIN, ROOT, Service, _die_with_parent, refresh
from test_summary_formats import LINES


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True,
                         text=True).stdout
    return [int(x) for x in out.split()]


def alive(pids):
    out = []
    for pid in pids:
        try:
            with open("/proc/%d/status" % pid) as f:
                if "zombie" not in f.read():
                    out.append(pid)
        except OSError:
            pass
    return out


def wait_gone(pids, seconds=10):
    deadline = time.time() + seconds
    while alive(pids) and time.time() < deadline:
        time.sleep(0.05)
    return alive(pids)


class NoProcessLeftBehind(unittest.TestCase):
    def start(self, args, sock):
        p = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                             preexec_fn=_die_with_parent)
        self.addCleanup(lambda: p.poll() is None and (p.kill(), p.wait()))
        for _ in range(200):
            if os.path.exists(sock) and len(children(p.pid)) == 3:
                break
            time.sleep(0.05)
        kids = children(p.pid)
        self.assertEqual(len(kids), 3, "three workers forked")
        self.addCleanup(lambda: [os.kill(k, signal.SIGKILL) for k in alive(kids)])
        return p, kids

    def bench(self, name):
        """The benchmark's responder name (fcgi_static on a directory, fcgi_rows on a
        database), three workers."""
        tmp = tempfile.mkdtemp(prefix="figures-procs-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", tmp]))
        sock, arg = os.path.join(tmp, "s.sock"), tmp
        if name == "fcgi_rows":
            arg = os.path.join(tmp, "figures.db")
            refresh(arg, "--migrate", "--quiet")
        return self.start([os.path.join(BIN, "tests", "bench", name), arg, sock, "3"], sock)

    def fcgi(self):
        svc = Service(seed=True, workers=3)
        svc.start()
        self.addCleanup(svc.stop)
        # the service's own worker is replaced by one this test watches
        svc.worker.send_signal(signal.SIGTERM)
        svc.worker.wait(timeout=10)
        svc.procs.remove(svc.worker)
        args = [os.path.join(BIN, "figures-fcgi"), "--db", svc.db, "--socket", svc.socket,
                "--workers", "3"]
        if os.geteuid() == 0:
            args += ["--socket-group", "www-data", "--user", "www-data"]
        return self.start(args, svc.socket)

    def test_bench_responders_stop_their_workers_on_sigterm(self):
        for name in ("fcgi_static", "fcgi_rows"):
            with self.subTest(name):
                p, kids = self.bench(name)
                p.send_signal(signal.SIGTERM)
                self.assertEqual(p.wait(timeout=10), 0)
                self.assertEqual(wait_gone(kids), [], "%s's workers outlived it" % name)

    def test_bench_responders_workers_die_with_a_killed_parent(self):
        for name in ("fcgi_static", "fcgi_rows"):
            with self.subTest(name):
                p, kids = self.bench(name)
                p.kill()
                p.wait(timeout=10)
                self.assertEqual(wait_gone(kids), [], "%s's workers outlived a SIGKILL" % name)

    def test_figures_fcgi_stops_its_workers_on_sigterm(self):
        p, kids = self.fcgi()
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(timeout=10), 0)
        self.assertEqual(wait_gone(kids), [], "figures-fcgi's workers outlived it")

    def test_figures_fcgi_workers_die_with_a_killed_supervisor(self):
        p, kids = self.fcgi()
        p.kill()
        p.wait(timeout=10)
        self.assertEqual(wait_gone(kids), [], "figures-fcgi's workers outlived a SIGKILL")


class KeptConnections(unittest.TestCase):
    """2 x cores + 1 workers, nginx keeping idle connections to them (opt-in, two per
    nginx process: scripts/nginx-conf refuses as many in all as there are
    workers). A worker waits on an idle kept connection and accepts no other:
    with as many idle as workers (the rule broken: FIGURES_FCGI_KEEPALIVE=8 on
    two workers did it), a new connection from another nginx process waited
    until fastcgi_read_timeout (30 s), then got a 503."""

    def setUp(self):
        # 2 x cores + 1 workers: two idle connections per nginx process is the most allowed
        os.environ["FIGURES_FCGI_KEEPALIVE"] = "2"
        self.addCleanup(os.environ.pop, "FIGURES_FCGI_KEEPALIVE")
        self.svc = Service(workers=2 * os.cpu_count() + 1)
        self.svc.start()
        self.addCleanup(self.svc.stop)

    def burst(self, clients, each, tag):
        """clients threads, each asking `each` different URLs on new connections."""
        got, lock = [], threading.Lock()

        def client(c):
            for i in range(each):
                url = "http://127.0.0.1:%d/v1/figures?metric=escaped&limit=%d" % (
                    self.svc.port, 1 + (tag * 1000 + c * each + i) % 999)
                start = time.time()
                try:
                    with urllib.request.urlopen(url, timeout=8) as r:
                        status = r.status
                except Exception as e:   # a timeout is the failure this looks for
                    status = repr(e)
                with lock:
                    got.append((status, time.time() - start))
        threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return got

    def test_more_clients_than_workers_all_answered_across_idle_pauses(self):
        for round_ in range(4):
            got = self.burst(12, 5, round_)
            bad = [g for g in got if g[0] != 200]
            self.assertEqual(bad, [], "round %d: %d of %d requests unanswered or failed" % (
                round_, len(bad), len(got)))
            # kept connections now idle in both nginx processes; then one client at a time,
            # on new connections that land on either process
            time.sleep(0.5)
            for i in range(6):
                got = self.burst(1, 1, 100 + round_ * 10 + i)
                self.assertEqual(got[0][0], 200, "after an idle pause: %r" % (got,))
        # no request was sent on a connection the worker had closed (nginx logs each:
        # "writev() failed (32: Broken pipe) while sending request to upstream")
        with open(os.path.join(self.svc.nginx_log, "error.log")) as f:
            self.assertEqual([l for l in f if "upstream" in l], [])
        # and nginx does keep connections to the workers: some idle ones are open now
        with open(os.path.join(self.svc.nginx_prefix, "nginx.conf")) as f:
            self.assertRegex(f.read(), r"\n\s+keepalive [1-8];")
        conns = subprocess.run(["ss", "-x", "-H", "state", "connected"], capture_output=True,
                               text=True).stdout
        self.assertIn(self.svc.socket, conns, "no connection to the workers was kept")


    def test_answers_of_many_records_whole_on_kept_connections(self):
        """The worker writes an answer as FastCGI records of up to 64 KB in one writev
        (app/api/fcgi_out.c), libfcgi then ends the request: on a kept connection the
        next request follows on the same socket, so a record too many or too few would
        corrupt the answers after it. Pages of 1,000 figures (~1 MB, some sixteen
        records) and small answers, interleaved, from several clients at once: each
        whole and the same every time."""
        tmp = tempfile.mkdtemp(prefix="figures-kept-")
        self.addCleanup(subprocess.run, ["rm", "-rf", tmp])
        cols = LINES[1].split(",")
        rows = []
        for i in range(1500):
            r = dict.fromkeys(cols, "")
            r.update({"Reported": "2019-11-01", "As of": "2019-11-%02d" % (1 + i % 28),
                      "Country": "IRQ", "Country name": "Iraq",
                      "Location code": "irq-kept-%d" % (i % 30), "Location": "Kept %d" % (i % 30),
                      "Location type": "camp", "Source": "Kept source", "Source code": "kept",
                      "Source type": "ngo", "Organisation": "Org", "Qualifier": "exact",
                      "Group": "g%d" % i, "Quote": "row %d " % i + "x" * (i % 300),
                      "Killed": str(i + 1)})
            rows.append(",".join(r[c] for c in cols))
        path = os.path.join(tmp, "kept.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write("\r\n".join(LINES[:3] + rows) + "\r\n")
        refresh(self.svc.db, "--import", path, "--feed", "kept", "--quiet")
        big = "/v1/figures?feed=kept&limit=1000"
        first = self.svc.get(big)
        self.assertEqual(first.status, 200, first.body[:300])
        self.assertGreater(len(first.body), 4 * 65535, "not an answer of many records")
        self.assertEqual(len(json.loads(first.body)["data"]), 1000)
        small = self.svc.get("/v1/figures?feed=kept&limit=1").body
        got, lock = [], threading.Lock()

        def client(c):
            for i in range(6):
                url = big if (c + i) % 2 == 0 else "/v1/figures?feed=kept&limit=1"
                r = self.svc.get(url)
                with lock:
                    got.append((url, r.status, r.body))

        threads = [threading.Thread(target=client, args=(c,)) for c in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(len(got), 48)
        for url, status, body in got:
            self.assertEqual(status, 200, body[:300])
            want = first.body if url == big else small
            # the same bytes but meta.generated_at, which may have moved on by a second
            strip = lambda b: re.sub(rb'"generated_at":"[^"]*"', b"", b)
            self.assertEqual(strip(body), strip(want), "%s came back changed" % url)
        # nginx kept connections to the workers and never found one broken
        with open(os.path.join(self.svc.nginx_log, "error.log")) as f:
            self.assertEqual([l for l in f if "upstream" in l], [])


class KeepaliveRule(unittest.TestCase):
    def render(self, workers, keepalive=None):
        prefix = tempfile.mkdtemp(prefix="figures-conf-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", prefix]))
        env = dict(os.environ, FIGURES_WORKERS=str(workers))
        env.pop("FIGURES_FCGI_KEEPALIVE", None)
        if keepalive is not None:
            env["FIGURES_FCGI_KEEPALIVE"] = str(keepalive)
        p = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), os.path.join(prefix, "n"),
                            "127.0.0.1:1", os.path.join(prefix, "s.sock"), "0", "1"],
                           capture_output=True, text=True, env=env)
        subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), "--clean",
                        os.path.join(prefix, "n")], check=True)
        return p

    def test_nginx_never_keeps_as_many_idle_connections_as_there_are_workers(self):
        procs = os.cpu_count()
        for workers in range(1, 3 * procs + 2):
            for keepalive in (None, 0, (workers - 1) // procs):
                p = self.render(workers, keepalive)
                self.assertEqual(p.returncode, 0, p.stderr)
                with open(p.stdout.strip()) as f:
                    conf = f.read()
                kept = [int(x) for x in re.findall(r"\n\s+keepalive (\d+);", conf)]
                self.assertEqual(kept, [keepalive] if keepalive else [], "off by default")
                self.assertLess(sum(kept) * procs, workers, "workers %d: %r" % (workers, kept))
                self.assertIn("fastcgi_keep_conn %s;" % ("on" if kept else "off"), conf)
            self.assertEqual(self.render(workers, workers // procs + 1).returncode, 2)
        refused = self.render(2, keepalive=8)
        self.assertEqual(refused.returncode, 2)
        self.assertIn("would hold all 2 workers", refused.stderr)


if __name__ == "__main__":
    unittest.main()
