"""End-to-end harness: the real figures-fcgi behind the real nginx, on a free
loopback port, with everything (database, socket, nginx prefix) in a temporary
directory. Every process it starts gets PR_SET_PDEATHSIG, so it stops by itself
if the test runner dies; stop() ends them in any case.

FIGURES_BIN names the build directory with figures-fcgi and figures-refresh.
"""
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.abspath(os.environ.get("FIGURES_BIN", os.path.join(ROOT, "build")))
SEED = os.path.join(ROOT, "sql", "seed", "ain-issa-report.csv")

# The contract checker (the shapes of docs/DESIGN.md), run against a live service.
CONTRACT_CHECK = os.path.join(ROOT, "tests", "e2e", "contract_check.py")

_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def _die_with_parent():
    _libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def chromium(*args):
    """Runs Debian's headless Chromium with a throwaway profile; returns the
    CompletedProcess (stdout holds --dump-dom's DOM). None if Chromium is absent."""
    if CHROMIUM is None:
        return None
    profile = tempfile.mkdtemp(prefix="figures-chromium-")
    try:
        return subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                               "--disable-quic", "--no-first-run",
                               "--disable-background-networking", "--disable-component-update",
                               "--disable-sync", "--hide-scrollbars",
                               "--user-data-dir=" + profile, *args],
                              capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def patient_timeout(seconds, most=5.0):
    """How long to wait for something that only has to happen eventually (a
    service to come up): seconds, stretched by the load average per core when
    the machine is busier than its cores, up to most times (so that what never
    comes still fails within the run's own time). For waits; never for asserting timings."""
    per_core = os.getloadavg()[0] / (os.cpu_count() or 1)
    return seconds * min(most, max(1.0, per_core))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def refresh(db, *args, check=True, env=None):
    """Runs figures-refresh; returns the CompletedProcess (stdout+stderr as text)."""
    p = subprocess.run([os.path.join(BIN, "figures-refresh"), "--db", db, *args],
                       capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, **(env or {})))
    if check and p.returncode != 0:
        raise AssertionError("figures-refresh %s failed (%d): %s" % (args, p.returncode, p.stderr))
    return p


def import_revised_seed(db):
    """Imports the seed again with its first figure's 100 revised to 150 (the
    Ain Issa escape count): a refresh that changes one figure's value."""
    with open(SEED, encoding="utf-8") as f:
        lines = f.read().splitlines()
    fd, changed = tempfile.mkstemp(suffix=".csv")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\r\n".join(lines[:3] + [lines[3].replace(",,100,", ",,150,")] + lines[4:]) +
                    "\r\n")
        refresh(db, "--import", changed, "--feed", "ain-issa-report", "--quiet")
    finally:
        os.unlink(changed)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    def header(self, name):
        return self.headers.get(name.lower())

    def json(self):
        return json.loads(self.body)


class Service:
    """cache: nginx's microcache seconds; 0 (off) unless a test is about it,
    so a read right after a write sees the write. public_url: the worker's
    --public-url; trusted_proxies: FIGURES_TRUSTED_PROXIES for nginx-conf."""

    def __init__(self, seed=True, workers=2, rate=0, cache=0, wrap=(), publish=None,
                 migrate=True, public_url=None, trusted_proxies=None, ready_timeout=10):
        self.seed, self.workers, self.rate, self.cache = seed, workers, rate, cache
        # how long start() waits for /v1/health (workers under valgrind want more)
        self.ready_timeout = ready_timeout
        # publish: a directory nginx serves under /snapshots/ (FIGURES_PUBLISH_DIR);
        # migrate=False leaves the database to the test (a read node's link)
        self.publish, self.migrate = publish, migrate
        self.wrap = list(wrap)   # a command to run the worker under (valgrind)
        self.public_url, self.trusted_proxies = public_url, trusted_proxies
        self.procs = []

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self):
        self.dir = tempfile.mkdtemp(prefix="figures-e2e-")
        os.chmod(self.dir, 0o755)   # nginx's workers (www-data under root) reach the socket
        self.db = os.path.join(self.dir, "figures.db")
        self.socket = os.path.join(self.dir, "fcgi.sock")
        self.port = free_port()
        if self.migrate:
            refresh(self.db, "--migrate", "--quiet")
        if self.seed and self.migrate:
            refresh(self.db, "--import", SEED, "--feed", "ain-issa-report", "--quiet")
        self.start_worker()
        prefix = os.path.join(self.dir, "nginx")
        conf = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), prefix,
                               "127.0.0.1:%d" % self.port, self.socket, str(self.rate),
                               str(self.cache)],
                              capture_output=True, text=True, check=True,
                              env=dict(os.environ, FIGURES_WORKERS=str(self.workers),
                                       FIGURES_PUBLISH_DIR=self.publish or "",
                                       FIGURES_TRUSTED_PROXIES=self.trusted_proxies or "")
                              ).stdout.strip()
        self.nginx_log = os.path.join(prefix, "logs")
        self.nginx_prefix = prefix
        # the microcache's directory (on tmpfs, chosen by scripts/nginx-conf)
        with open(conf) as f:
            self.cache_dir = [line.split()[1] for line in f
                              if line.strip().startswith("fastcgi_cache_path")][0]
        self._spawn(["nginx", "-p", prefix, "-c", conf, "-e", os.path.join(prefix, "logs", "error.log")],
                    "nginx")
        self.wait_ready(self.ready_timeout)

    def start_worker(self):
        args = self.wrap + [os.path.join(BIN, "figures-fcgi"), "--db", self.db, "--socket",
                            self.socket, "--workers", str(self.workers)]
        if self.public_url is not None:
            args += ["--public-url", self.public_url]
        if os.geteuid() == 0:
            args += ["--socket-group", "www-data", "--user", "www-data"]
        self.worker = self._spawn(args, "worker")
        for _ in range(600):
            if os.path.exists(self.socket):
                return
            time.sleep(0.05)
        raise AssertionError("figures-fcgi did not create its socket")

    def _spawn(self, args, name):
        log = open(os.path.join(self.dir, name + ".log"), "ab")
        p = subprocess.Popen(args, stdout=log, stderr=log, preexec_fn=_die_with_parent)
        self.procs.append(p)
        return p

    def wait_ready(self, timeout=10, statuses=(200, 503)):
        """Waits until /v1/health answers one of statuses (by default any answer
        of the worker's own, healthy or degraded); fails saying what it last saw."""
        deadline = time.time() + timeout
        last = "no answer yet"
        while time.time() < deadline:
            try:
                status = self.get("/v1/health").status
                if status in statuses:
                    return
                last = "HTTP %d" % status
            except OSError as e:
                last = "%s: %s" % (type(e).__name__, e)
            time.sleep(0.05)
        raise AssertionError("the service did not answer /v1/health with %s in %.0f s (last: %s); "
                             "see the worker's and nginx's logs under %s"
                             % (" or ".join(map(str, statuses)), timeout, last, self.dir))

    def request(self, method, path, headers=None, body=None, source=None):
        """Sends path exactly as given (no re-encoding), returns a Response.
        source: the loopback address to connect from (127.0.0.2, ...: all of
        127.0.0.0/8 is this machine), to be a proxy or a client nginx tells apart."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10,
                                       source_address=(source, 0) if source else None)
        try:
            headers = headers or {}
            c.putrequest(method, path, skip_accept_encoding=True,
                         skip_host=any(k.lower() == "host" for k in headers))
            for k, v in (headers or {}).items():
                c.putheader(k, v)
            if body is not None:
                c.putheader("Content-Length", str(len(body)))
            c.endheaders(body)
            r = c.getresponse()
            data = r.read()
            return Response(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        finally:
            c.close()

    def get(self, path, headers=None, source=None):
        return self.request("GET", path, headers, source=source)

    def log(self, name):
        with open(os.path.join(self.dir, name + ".log"), errors="replace") as f:
            return f.read()

    def access_statuses(self):
        """The HTTP statuses nginx logged, in order."""
        with open(os.path.join(self.nginx_log, "access.log")) as f:
            return [int(line.split('"')[2].split()[0]) for line in f if line.count('"') >= 2]

    def stop(self):
        for p in self.procs:
            if p.poll() is None:
                p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        if getattr(self, "nginx_prefix", None):
            # the cache directory scripts/nginx-conf made outside self.dir
            subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), "--clean",
                            self.nginx_prefix], check=True)
        shutil.rmtree(self.dir, ignore_errors=True)


class ServiceTestCase(unittest.TestCase):
    """Tests that share one Service for their whole class, started before the
    first test and stopped after the last: by default with the seed imported;
    a class sets SERVICE to other options of Service (workers=1, seed=False...).
    A class that prepares more calls super().setUpClass() first, and ends with
    super().tearDownClass()."""

    SERVICE = {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.svc = Service(**cls.SERVICE)
        try:
            cls.svc.start()
        except BaseException:
            cls.svc.stop()   # tearDownClass does not run when setUpClass fails
            raise

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()
        super().tearDownClass()
