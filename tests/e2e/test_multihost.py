"""Past one machine, on one machine: hosts in network namespaces of the test's
own (tests/e2e/netns.py), on a private /24 behind a bridge.

  writer   its own upstream feed server (127.0.0.1 in its namespace), the
           refresher, which publishes a snapshot after each change, and nginx
           serving the snapshots under /snapshots/
  node1/2  read nodes: figures-fcgi behind nginx (scripts/nginx-conf, the
           microcache on), each following the writer's manifest every ~1 s
           (`figures-refresh --follow URL --db PATH`, run in a loop here)
  front    scripts/front: Varnish, then nginx spreading over the two nodes
  client   a few threads of this process, moved into its namespace, under a
           bounded load (each pauses between requests)

It refreshes ten times, changing the data each time, and checks that every
answer through the front is of one data version and that every node
converges; cuts the writer off; serves a tampered snapshot; kills a read node,
then the other. Figures go to build/test-output/multihost.json.
"""
import csv
import hashlib
import http.client
import io
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import unittest

import harness
import netns

HOSTS = ["writer", "node1", "node2", "front", "client"]
NODES = ["node1", "node2"]
PORT = 8080            # every host's nginx (each has its own addresses)
FEED_PORT = 8000       # the writer's upstream, on its own loopback
FOLLOW_EVERY = 1.0     # seconds between a node's follows
CONVERGE_LIMIT = 15.0  # follow interval + a generous margin (2 shared cores)
REFRESHES = 10
CLIENTS = 3
PAUSE = 0.02           # each client's pause between requests
OUT = os.path.join(harness.ROOT, "build", "test-output", "multihost.json")

# What the clients ask: JSON lists carry meta.data_as_of and the values.
PATHS = ["/v1/figures?metric=escaped", "/v1/figures?location=ain-issa-camp",
         "/v1/figures?country=SYR&limit=5"]
STEP = 10 ** 7          # version v adds v * STEP to every value (the seed's are below it)


def feed_csv(version):
    """The default data with every value moved by version * STEP, so an
    answer's values say which version it shows."""
    with open(harness.SEED, newline="") as f:
        rows = list(csv.reader(f))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    start = next(i for i, r in enumerate(rows) if r and r[0].startswith("#"))
    tags = rows[start]
    value_cols = [i for i, t in enumerate(tags) if t.startswith("#affected")]
    w.writerows(rows[:start + 1])
    for r in rows[start + 1:]:
        r = list(r)
        for i in value_cols:
            n = r[i].replace(",", "").strip() if i < len(r) else ""
            if n.isdigit():
                r[i] = str(int(n) + version * STEP)
        w.writerow(r)
    return out.getvalue().encode()


def get(addr, path, headers=None, timeout=5):
    c = http.client.HTTPConnection(addr, PORT, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
    finally:
        c.close()


def versions_in(body):
    """The set of versions an answer's values belong to, and its data_as_of."""
    doc = json.loads(body)
    vs = {item["value"] // STEP for item in doc.get("data", []) if isinstance(item.get("value"), int)}
    return vs, doc.get("meta", {}).get("data_as_of")


WHY_NOT = netns.why_not()
if WHY_NOT is None and shutil.which("varnishd") is None:
    WHY_NOT = "no varnishd (scripts/deps test installs Debian's varnish)"


@unittest.skipIf(WHY_NOT is not None, "multi-host test skipped: %s" % WHY_NOT)
class MultiHost(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hosts = netns.Hosts(HOSTS)
        cls.procs = []
        cls.dir = tempfile.mkdtemp(prefix="figures-multihost-")
        os.chmod(cls.dir, 0o755)
        cls.addClassCleanup(cls.cleanup)
        cls.hosts.make()
        cls.addr = cls.hosts.addr
        cls.figures = {"hosts": cls.addr}
        cls.start_writer()
        for n in NODES:
            cls.start_node(n)
        cls.start_front()

    @classmethod
    def cleanup(cls):
        for p in reversed(cls.procs):
            if p.poll() is None:
                p.terminate()
        for p in cls.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        cls.hosts.delete()
        left = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
        assert cls.hosts.tag + "-" not in left, "namespaces left behind: " + left
        shutil.rmtree(cls.dir, ignore_errors=True)

    # -- the hosts ---------------------------------------------------------

    @classmethod
    def spawn(cls, host, args, name, env=None):
        with open(os.path.join(cls.dir, name + ".log"), "ab") as log:
            p = subprocess.Popen(cls.hosts.command(host, args), stdout=log, stderr=log,
                                 env=dict(os.environ, **(env or {})),
                                 preexec_fn=harness._die_with_parent)
        cls.procs.append(p)
        return p

    @classmethod
    def run_in(cls, host, args, check=True, timeout=120):
        p = subprocess.run(cls.hosts.command(host, args), capture_output=True, text=True,
                           timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("%s on %s failed (%d): %s%s" % (
                " ".join(args), host, p.returncode, p.stdout, p.stderr))
        return p

    @classmethod
    def wait_answer(cls, host, path, what):
        for _ in range(200):
            try:
                if cls.hosts.in_host("client", get, cls.addr[host], path)[0] in (200, 503):
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("%s does not answer %s on %s:%d" % (what, path, cls.addr[host], PORT))

    @classmethod
    def refresher(cls, db, *args):
        return [os.path.join(harness.BIN, "figures-refresh"), "--db", db, *args]

    @classmethod
    def start_writer(cls):
        w = os.path.join(cls.dir, "writer")
        cls.feed_dir = os.path.join(w, "feed")
        cls.publish = os.path.join(w, "snapshots")
        os.makedirs(cls.feed_dir)
        os.makedirs(cls.publish)
        os.chmod(w, 0o755)
        os.chmod(cls.publish, 0o755)
        cls.wdb = os.path.join(w, "figures.db")
        cls.version = 0
        cls.write_feed(0)
        cls.spawn("writer", ["python3", "-m", "http.server", str(FEED_PORT), "--bind",
                             "127.0.0.1", "--directory", cls.feed_dir], "feed")
        cls.run_in("writer", cls.refresher(cls.wdb, "--migrate", "--quiet"))
        cls.run_in("writer", cls.refresher(
            cls.wdb, "--add-feed", "ain-issa-net", "--adapter", "hxl", "--url",
            "http://127.0.0.1:%d/feed.csv" % FEED_PORT, "--organisation", "Test newsroom",
            "--type", "media", "--interval", "60", "--quiet"))
        for _ in range(50):
            if cls.run_in("writer", ["curl", "-sf", "-o", "/dev/null",
                                     "http://127.0.0.1:%d/feed.csv" % FEED_PORT],
                          check=False).returncode == 0:
                break
            time.sleep(0.1)
        cls.refresh_writer()
        # The writer's nginx: the site, with the snapshots under /snapshots/.
        prefix = os.path.join(w, "nginx")
        conf = subprocess.run(
            [os.path.join(harness.ROOT, "scripts", "nginx-conf"), prefix,
             "%s:%d" % (cls.addr["writer"], PORT), os.path.join(w, "fcgi.sock"), "0", "1"],
            capture_output=True, text=True, check=True,
            env=dict(os.environ, FIGURES_PUBLISH_DIR=cls.publish)).stdout.strip()
        cls.spawn("writer", ["nginx", "-p", prefix, "-c", conf, "-e",
                             os.path.join(prefix, "logs", "error.log")], "writer-nginx")
        cls.manifest_url = "http://%s:%d/snapshots/manifest.json" % (cls.addr["writer"], PORT)
        for _ in range(100):
            try:
                if cls.hosts.in_host("client", get, cls.addr["writer"],
                                     "/snapshots/manifest.json")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        else:
            raise AssertionError("the writer's nginx does not serve " + cls.manifest_url)

    @classmethod
    def write_feed(cls, version):
        path = os.path.join(cls.feed_dir, "feed.csv")
        with open(path, "wb") as f:
            f.write(feed_csv(version))
        # http.server's Last-Modified has whole seconds: make each version's
        # differ, or the refresher's If-Modified-Since would get a 304.
        t = 1700000000 + version * 10
        os.utime(path, (t, t))

    @classmethod
    def refresh_writer(cls):
        """Refreshes the feed and publishes; returns the manifest."""
        cls.run_in("writer", cls.refresher(cls.wdb, "--only", "ain-issa-net", "--publish",
                                           cls.publish, "--quiet"))
        with open(os.path.join(cls.publish, "manifest.json")) as f:
            return json.load(f)

    @classmethod
    def start_node(cls, n):
        d = os.path.join(cls.dir, n)
        os.makedirs(d)
        os.chmod(d, 0o755)
        db = os.path.join(d, "figures.db")
        cls.node_db = getattr(cls, "node_db", {})
        cls.node_db[n] = db
        cls.follow(n)
        sock = os.path.join(d, "fcgi.sock")
        cls.spawn(n, [os.path.join(harness.BIN, "figures-fcgi"), "--db", db, "--socket", sock,
                      "--workers", "2", "--socket-group", "www-data", "--user", "www-data"],
                  n + "-fcgi")
        for _ in range(100):
            if os.path.exists(sock):
                break
            time.sleep(0.05)
        prefix = os.path.join(d, "nginx")
        # The front is the nodes' trusted proxy: they read the client's
        # address from its X-Forwarded-For.
        conf = subprocess.run(
            [os.path.join(harness.ROOT, "scripts", "nginx-conf"), prefix,
             "%s:%d" % (cls.addr[n], PORT), sock, "0", "1"],
            capture_output=True, text=True, check=True,
            env=dict(os.environ, FIGURES_TRUSTED_PROXIES=cls.addr["front"])).stdout.strip()
        cls.spawn(n, ["nginx", "-p", prefix, "-c", conf, "-e",
                      os.path.join(prefix, "logs", "error.log")], n + "-nginx")
        cls.wait_answer(n, "/v1/health", n)

    @classmethod
    def follow(cls, n):
        return cls.run_in(n, cls.refresher(cls.node_db[n], "--follow", cls.manifest_url,
                                           "--connect-timeout", "2", "--timeout", "10",
                                           "--retries", "0"), check=False)

    @classmethod
    def start_front(cls):
        cls.front_dir = os.path.join(cls.dir, "front")
        nodes = []
        for n in NODES:
            nodes += ["--node", "http://%s:%d" % (cls.addr[n], PORT)]
        cls.spawn("front", [os.path.join(harness.ROOT, "scripts", "front"), "--listen",
                            "%s:%d" % (cls.addr["front"], PORT), "--dir", cls.front_dir,
                            "--ttl", "1", "--grace", "1", "--fail-timeout", "2", *nodes],
                  "front")
        cls.wait_answer("front", "/v1/health", "the front")

    # -- following, load ---------------------------------------------------

    def start_following(self):
        """Each node follows the manifest every FOLLOW_EVERY s, as cron would."""
        self.following = True
        self.follow_results = {n: [] for n in NODES}

        def loop(n):
            while self.following:
                p = self.follow(n)
                self.follow_results[n].append((time.monotonic(), p.returncode, p.stderr))
                time.sleep(FOLLOW_EVERY)

        self.follow_threads = [threading.Thread(target=loop, args=(n,), daemon=True)
                               for n in NODES]
        for t in self.follow_threads:
            t.start()

    def stop_following(self):
        self.following = False
        for t in self.follow_threads:
            t.join(timeout=30)

    def start_load(self):
        self.loading = True
        self.answers = []          # (t, path, status, etag, versions, data_as_of, node, cache)
        self.load_errors = []

        def client(i):
            netns.enter(self.hosts.ns("client"))
            k = i
            while self.loading:
                path = PATHS[k % len(PATHS)]
                k += 1
                try:
                    st, h, body = get(self.addr["front"], path)
                    vs, as_of = versions_in(body) if st == 200 else (set(), None)
                    self.answers.append((time.monotonic(), path, st, h.get("etag"), vs, as_of,
                                         h.get("x-figures-node"), h.get("x-front-cache")))
                except Exception as e:   # counted and reported
                    self.load_errors.append((time.monotonic(), path, repr(e)))
                time.sleep(PAUSE)

        self.load_threads = [threading.Thread(target=client, args=(i,), daemon=True)
                             for i in range(CLIENTS)]
        for t in self.load_threads:
            t.start()

    def stop_load(self):
        self.loading = False
        for t in self.load_threads:
            t.join(timeout=30)

    def node_health(self, n):
        st, _, body = self.hosts.in_host("client", get, self.addr[n], "/v1/health")
        return st, json.loads(body)

    def wait_node_as_of(self, n, as_of, limit):
        t0 = time.monotonic()
        while time.monotonic() - t0 < limit:
            try:
                st, h = self.node_health(n)
                if h.get("database", {}).get("data_as_of") == as_of:
                    return time.monotonic() - t0
            except (OSError, ValueError):
                pass
            time.sleep(0.05)
        return None

    # -- the test ----------------------------------------------------------

    def test_snapshots_front_and_failures(self):
        fig = self.figures
        self.start_following()
        self.start_load()
        try:
            self.refreshes(fig)
            self.forwarded(fig)
            self.tampered_snapshot(fig)
            self.writer_cut_off(fig)
            self.nodes_killed(fig)
        finally:
            self.stop_load()
            self.stop_following()
            fig["requests"] = self.request_figures()
            os.makedirs(os.path.dirname(OUT), exist_ok=True)
            with open(OUT, "w") as f:
                json.dump(fig, f, indent=2, sort_keys=True)
        self.assertEqual(self.load_errors, [], "requests through the front failed")

    def refreshes(self, fig):
        with open(os.path.join(self.publish, "manifest.json")) as f:
            m = json.load(f)
        self.as_of = {0: m["data_as_of"]}
        for n in NODES:
            self.assertIsNotNone(self.wait_node_as_of(n, m["data_as_of"], CONVERGE_LIMIT),
                                 "%s never showed the first snapshot" % n)
        converge = {n: [] for n in NODES}
        front = []
        for v in range(1, REFRESHES + 1):
            # data_as_of has whole seconds: one version per second at most
            while time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()) <= self.as_of[v - 1]:
                time.sleep(0.05)
            self.write_feed(v)
            m = self.refresh_writer()
            published = time.monotonic()
            self.assertNotEqual(m["data_as_of"], self.as_of[v - 1],
                                "refresh %d published no new data: %s" % (v, m))
            self.as_of[v] = m["data_as_of"]
            pending = set(NODES)
            while pending and time.monotonic() - published < CONVERGE_LIMIT:
                for n in sorted(pending):
                    try:
                        as_of = self.node_health(n)[1]["database"]["data_as_of"]
                    except (OSError, ValueError, KeyError):
                        continue
                    if as_of == m["data_as_of"]:
                        converge[n].append(round(time.monotonic() - published, 3))
                        pending.discard(n)
                time.sleep(0.05)
            self.assertEqual(pending, set(), "version %d (%s) not shown within %ss" % (
                v, m["data_as_of"], CONVERGE_LIMIT))
            # the front: within its ttl + grace of the nodes (1 + 1 s here)
            while time.monotonic() - published < CONVERGE_LIMIT:
                seen = [a for a in list(self.answers) if a[0] > published and a[4] == {v}]
                if seen:
                    front.append(round(seen[0][0] - published, 3))
                    break
                time.sleep(0.05)
            else:
                self.fail("no answer through the front showed version %d within %ss" % (
                    v, CONVERGE_LIMIT))
        self.check_versions()
        every = sorted(t for n in NODES for t in converge[n])
        fig["refreshes"] = {
            "versions_published": REFRESHES,
            "versions_converged": {n: len(converge[n]) for n in NODES},
            "node_seconds_to_converge": converge,
            "node_converge_median_s": every[len(every) // 2],
            "node_converge_max_s": every[-1],
            "front_seconds_to_show": front,
            "follow_every_s": FOLLOW_EVERY,
            "front_ttl_plus_grace_s": 2,
            "snapshot_bytes": m.get("size"),
        }

    def check_versions(self):
        """Every answer through the front shows one version, its data_as_of
        that version's, and one ETag never stands for two versions."""
        by_as_of = {a: v for v, a in self.as_of.items()}
        etags = {}
        checked = 0
        for t, path, st, etag, vs, as_of, node, cache in list(self.answers):
            if st != 200:
                continue
            checked += 1
            self.assertEqual(len(vs), 1, "%s mixed versions %s" % (path, vs))
            (v,) = vs
            self.assertIn(as_of, by_as_of, "%s: data_as_of %s was never published" % (path, as_of))
            self.assertEqual(by_as_of[as_of], v, "%s: data_as_of %s is version %d, values are "
                             "version %d" % (path, as_of, by_as_of[as_of], v))
            self.assertEqual(etags.setdefault((path, etag), v), v,
                             "%s: ETag %s stood for versions %d and %d" % (path, etag,
                                                                        etags[(path, etag)], v))
        self.assertGreater(checked, 100, "too few answers to say anything")

    def forwarded(self, fig):
        """A node sees the client's address, which the front passed on; a
        client naming another address (or https) through the front gets its
        own address logged, not the one it named."""
        path = "/v1/figures?metric=escaped&limit=3"
        st, _, _ = self.hosts.in_host("client", get, self.addr["front"], path,
                                      {"X-Forwarded-For": "198.51.100.7",
                                       "X-Forwarded-Proto": "https"})
        self.assertEqual(st, 200)
        seen = []
        for n in NODES:
            with open(os.path.join(self.dir, n, "nginx", "logs", "access.log")) as f:
                seen += [line.split()[0] for line in f if "limit=3 " in line]
        self.assertEqual(seen, [self.addr["client"]],
                         "the node logged %s for the client's request" % seen)
        st, _, atom = self.hosts.in_host("client", get, self.addr["front"], "/v1/changes.atom",
                                         {"X-Forwarded-Proto": "https"})
        self.assertEqual(st, 200)
        self.assertTrue(b'href="http://' in atom and b'href="https://' not in atom,
                        "a client chose the scheme of the addresses given out (and cached "
                        "for everyone): %r" % atom[:300])
        fig["forwarded"] = {"client": self.addr["client"], "node_logged": seen[0]}

    def follows_since(self, n, t):
        return [r for r in self.follow_results[n] if r[0] > t]

    def wait_follows(self, t, count=3):
        deadline = time.monotonic() + CONVERGE_LIMIT * 2
        while time.monotonic() < deadline:
            if all(len(self.follows_since(n, t)) >= count for n in NODES):
                return
            time.sleep(0.1)
        self.fail("the nodes did not follow %d times in %ss" % (count, CONVERGE_LIMIT * 2))

    def tampered_snapshot(self, fig):
        """The writer serves a snapshot whose bytes do not match the manifest's
        sha256: every node refuses it and keeps its version."""
        path = os.path.join(self.publish, "manifest.json")
        with open(path, "rb") as f:
            good = f.read()
        m = json.loads(good)
        src = os.path.join(self.publish, m["file"])
        bad_name = "tampered-" + m["file"]
        with open(src, "rb") as f:
            data = bytearray(f.read())
        data[len(data) // 2] ^= 0xFF     # one byte, the size unchanged
        with open(os.path.join(self.publish, bad_name), "wb") as f:
            f.write(data)
        os.chmod(os.path.join(self.publish, bad_name), 0o644)
        bad = dict(m, file=bad_name, version=m["version"] + 1)
        with open(path + ".tmp", "w") as f:
            json.dump(bad, f)
        os.chmod(path + ".tmp", 0o644)
        os.rename(path + ".tmp", path)
        t = time.monotonic()
        self.wait_follows(t)
        rejected = {}
        for n in NODES:
            fails = [r for r in self.follows_since(n, t) if r[1] != 0]
            self.assertTrue(fails, "%s accepted a tampered snapshot: %s" % (
                n, self.follows_since(n, t)))
            self.assertIn("sha256", fails[-1][2].lower() + fails[-1][2],
                          "%s's follow did not say the checksum failed: %s" % (n, fails[-1][2]))
            st, h = self.node_health(n)
            self.assertEqual(h["database"]["data_as_of"], self.as_of[REFRESHES],
                             "%s changed its data after a tampered download" % n)
            rejected[n] = fails[-1][2].strip().splitlines()[-1]
        with open(path + ".tmp", "wb") as f:
            f.write(good)
        os.chmod(path + ".tmp", 0o644)
        os.rename(path + ".tmp", path)
        os.unlink(os.path.join(self.publish, bad_name))
        fig["tampered"] = {"rejected_by": sorted(rejected), "message": rejected}

    def writer_cut_off(self, fig):
        """The writer's link down: the nodes keep serving their version, and
        their health says how old their last good follow is."""
        self.hosts.link("writer", False)
        t = time.monotonic()
        self.wait_follows(t, 3)
        ages = {}
        for n in NODES:
            fails = [r for r in self.follows_since(n, t) if r[1] != 0]
            self.assertTrue(fails, "%s's follow succeeded with the writer cut off" % n)
            st, h = self.node_health(n)
            self.assertEqual(st, 200, "%s's health with the writer cut off: %s" % (n, h))
            self.assertEqual(h["database"]["data_as_of"], self.as_of[REFRESHES])
            ages[n] = self.follow_age(h)
            self.assertTrue(h["follow"].get("last_error"),
                            "%s's health names no error with the writer cut off: %s" % (n, h))
            self.assertGreaterEqual(ages[n], 2, "%s's health does not say its last good follow "
                                    "is old: %s" % (n, h))
        fig["writer_cut_off"] = {"last_good_follow_age_s": ages}

    def nodes_killed(self, fig):
        """node2 dies (every process in its namespace): the front keeps
        answering 200, from node1 and its cache; then node1 dies too: the
        front answers from its cache."""
        self.following = False     # (the follow loop stops; the writer is cut off anyway)
        start = len(self.answers)
        self.kill_host("node2")
        killed = time.monotonic()
        time.sleep(4)
        after = self.answers[start:]
        bad = [a for a in after if a[2] != 200]
        self.assertEqual(bad, [], "the front failed requests with node2 dead")
        nodes = {a[6] for a in after if a[0] > killed + 2 and a[7] == "MISS"}
        self.assertNotIn("%s:%d" % (self.addr["node2"], PORT), nodes)
        served_one = len(after)
        start = len(self.answers)
        self.kill_host("node1")
        time.sleep(4)
        after = self.answers[start:]
        bad = [a for a in after if a[2] != 200]
        self.assertEqual(bad, [], "the front failed cached requests with every node dead")
        caches = {}
        for a in after:
            caches[a[7]] = caches.get(a[7], 0) + 1
        self.assertIn("STALE", caches, "no stale copy served with every node dead: %s" % caches)
        fig["node_killed"] = {"answers_with_one_node": served_one,
                              "answers_with_no_node": len(after),
                              "front_cache_with_no_node": caches}

    def kill_host(self, host):
        pids = subprocess.run(["ip", "netns", "pids", self.hosts.ns(host)], capture_output=True,
                              text=True).stdout.split()
        for pid in pids:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except ProcessLookupError:
                pass

    @staticmethod
    def follow_age(h):
        """Seconds since the node's last good follow, as its health says."""
        age = (h.get("follow") or {}).get("age_seconds")
        if not isinstance(age, (int, float)):
            raise AssertionError("health says nothing of the follow's age: %s" % h)
        return age

    def request_figures(self):
        answers = list(self.answers)
        statuses, nodes, caches = {}, {}, {}
        for a in answers:
            statuses[a[2]] = statuses.get(a[2], 0) + 1
            nodes[a[6] or "-"] = nodes.get(a[6] or "-", 0) + 1
            caches[a[7] or "-"] = caches.get(a[7] or "-", 0) + 1
        span = answers[-1][0] - answers[0][0] if len(answers) > 1 else 0
        out = {"served": len(answers), "errors": len(self.load_errors), "statuses": statuses,
               "by_node_header": nodes, "by_front_cache": caches, "clients": CLIENTS,
               "seconds": round(span, 1),
               "per_second": round(len(answers) / span, 1) if span else None}
        p = subprocess.run(["varnishstat", "-n", os.path.join(self.front_dir, "varnish"), "-1",
                            "-j"], capture_output=True, text=True)
        if p.returncode == 0:
            c = json.loads(p.stdout)
            c = c.get("counters", c)
            get_ = lambda k: c.get(k, {}).get("value")
            out["varnish"] = {k: get_("MAIN." + k) for k in
                              ("client_req", "cache_hit", "cache_hit_grace", "cache_miss",
                               "backend_req", "s_pass")}
        return out


if __name__ == "__main__":
    unittest.main()
