"""Behind a CDN or a TLS proxy (issue 18): the scheme and the client's address
are taken from X-Forwarded-Proto and X-Forwarded-For only when the connecting
address is a trusted proxy's (FIGURES_TRUSTED_PROXIES); a public base URL
(--public-url) wins over both for the addresses answers give out; and the
microcache's stale copies are bounded when the workers answer.

The "proxy" and the "clients" are loopback addresses (127.0.0.2, 127.0.0.3):
all of 127.0.0.0/8 is this machine, so each test's client socket binds one."""
import os
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.parse

from harness import BIN, ROOT, Service, import_revised_seed

PROXY, STRANGER = "127.0.0.2", "127.0.0.3"
HOST = "figures.example.org"


def oembed(svc, url, headers, source):
    return svc.get("/v1/oembed?url=" + urllib.parse.quote(url, safe=""), headers, source)


class Scheme(unittest.TestCase):
    """X-Forwarded-Proto from a trusted proxy, never from anyone else; the
    microcache on, so an https answer must not be handed to an http request."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(cache=1, trusted_proxies="10.9.8.0/24, %s" % PROXY)
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_https_through_a_trusted_proxy_gives_https_addresses(self):
        h = {"Host": HOST, "X-Forwarded-Proto": "https"}
        r = oembed(self.svc, "https://%s/v1/figures/1" % HOST, h, PROXY)
        self.assertEqual(r.status, 200, r.body)
        d = r.json()
        self.assertIn('<iframe src="https://%s/v1/embed/figures/1"' % HOST, d["html"])
        self.assertEqual(d["provider_url"], "https://%s/" % HOST)
        atom = self.svc.get("/v1/changes.atom", h, PROXY).body.decode()
        self.assertIn('href="https://%s/v1/changes.atom"' % HOST, atom)
        self.assertNotIn("http://", atom.replace("http://www.w3.org/2005/Atom", ""))
        page = self.svc.get("/figures/1", h, PROXY).body.decode()
        self.assertIn('type="application/json+oembed" href="https://%s/v1/oembed?url=https%%3A%%2F%%2F'
                      % HOST, page)
        card = self.svc.get("/v1/embed/figures/1", h, PROXY).body.decode()
        self.assertIn('href="https://%s/v1/oembed?url=https%%3A%%2F%%2F' % HOST, card)

    def test_the_same_header_from_an_untrusted_address_is_ignored(self):
        h = {"Host": HOST, "X-Forwarded-Proto": "https"}
        url = "https://%s/v1/figures/2" % HOST
        # the proxy's https answer first: it is in the microcache now
        self.assertIn('src="https://', oembed(self.svc, url, h, PROXY).json()["html"])
        for source in (STRANGER, "127.0.0.1"):
            with self.subTest(source=source):
                d = oembed(self.svc, url, h, source).json()
                self.assertIn('<iframe src="http://%s/v1/embed/figures/2"' % HOST, d["html"])
                self.assertEqual(d["provider_url"], "http://%s/" % HOST)
                page = self.svc.get("/figures/2", h, source).body.decode()
                self.assertNotIn("https://", page)

    def test_only_http_or_https_is_believed(self):
        for proto in ("javascript", "https, http", "ftp"):
            with self.subTest(proto=proto):
                d = oembed(self.svc, "http://%s/v1/figures/1" % HOST,
                           {"Host": HOST, "X-Forwarded-Proto": proto}, PROXY).json()
                self.assertIn('<iframe src="http://%s/v1/embed/figures/1"' % HOST, d["html"])


class PublicUrl(unittest.TestCase):
    """--public-url wins over Host and over a trusted proxy's scheme."""

    PUBLIC = "https://news.example.org/figures"

    @classmethod
    def setUpClass(cls):
        cls.svc = Service(public_url="HTTPS://News.Example.org/figures/", trusted_proxies=PROXY)
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_every_absolute_address_starts_with_the_public_url(self):
        for source, h in ((None, {}), (PROXY, {"Host": HOST, "X-Forwarded-Proto": "http"})):
            with self.subTest(source=source):
                d = oembed(self.svc, self.PUBLIC + "/v1/figures/1", h, source).json()
                self.assertIn('<iframe src="%s/v1/embed/figures/1"' % self.PUBLIC, d["html"])
                self.assertEqual(d["provider_url"], self.PUBLIC + "/")
                atom = self.svc.get("/v1/changes.atom", h, source).body.decode()
                self.assertIn('href="%s/v1/changes.atom"' % self.PUBLIC, atom)
                page = self.svc.get("/figures/1", h, source).body.decode()
                self.assertIn('href="%s/v1/oembed?url=%s' % (
                    self.PUBLIC, urllib.parse.quote(self.PUBLIC, safe="")), page)
                self.assertNotIn("127.0.0.1", page)
                self.assertNotIn(HOST, page)

    def test_oembed_takes_the_public_addresses_only(self):
        port = self.svc.port
        for url, status in (("http://news.example.org/figures/v1/figures/1", 200),
                            ("https://NEWS.example.org/figures/v1/embed/figures/1", 200),
                            ("https://news.example.org/v1/figures/1", 404),
                            ("https://news.example.org/figuresx/v1/figures/1", 404),
                            ("https://news.example.org/Figures/v1/figures/1", 404),
                            ("http://127.0.0.1:%d/v1/figures/1" % port, 404)):
            with self.subTest(url=url):
                self.assertEqual(oembed(self.svc, url, {}, None).status, status)

    def test_a_bad_public_url_stops_the_worker_at_startup(self):
        with tempfile.TemporaryDirectory() as d:
            for url, words in (("ftp://example.org", "http:// or https://"),
                               ("https://example.org/?utm=1", "no query"),
                               ("https://example.org/#x", "fragment"),
                               ("https://user@example.org", "user"),
                               ("https://example.org:70000", "port"),
                               ("example.org", "http:// or https://")):
                with self.subTest(url=url):
                    p = subprocess.run([os.path.join(BIN, "figures-fcgi"), "--db", os.path.join(d, "x.db"),
                                        "--socket", os.path.join(d, "s"), "--public-url", url],
                                       capture_output=True, text=True, timeout=10)
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn("--public-url '%s'" % url, p.stderr)
                    self.assertIn(words, p.stderr)
                    self.assertFalse(os.path.exists(os.path.join(d, "s")))


class RateLimitBehindProxies(unittest.TestCase):
    """One request a second (burst 2) per client: through a trusted proxy the
    client is X-Forwarded-For's; from anyone else, the connecting address."""

    def setUp(self):
        self.svc = Service(rate=1, trusted_proxies=PROXY)
        self.svc.start()

    def tearDown(self):
        self.svc.stop()

    def statuses(self, source, xff, n):
        return [self.svc.get("/v1/metrics", {"X-Forwarded-For": xff}, source).status for _ in range(n)]

    def test_clients_behind_a_trusted_proxy_are_limited_separately(self):
        self.assertIn(429, self.statuses(PROXY, "203.0.113.5", 12), "client A is never limited")
        self.assertEqual(self.statuses(PROXY, "203.0.113.6", 3), [200] * 3,
                         "client B, through the same proxy, shares A's limit")
        # a chain: the proxy's own hops are skipped (real_ip_recursive)
        self.assertEqual(self.statuses(PROXY, "203.0.113.7, %s" % PROXY, 3), [200] * 3)

    def test_x_forwarded_for_from_an_untrusted_address_is_ignored(self):
        self.assertIn(429, self.statuses(STRANGER, "203.0.113.5", 12))
        self.assertIn(429, self.statuses(STRANGER, "203.0.113.6", 3),
                      "a stranger escapes its limit by naming another client")

    def test_bad_trusted_proxies_stop_nginx_conf_with_a_reason(self):
        with tempfile.TemporaryDirectory() as d:
            for value, words in (("10.0.0.1/8", "did you mean 10.0.0.0/8"),
                                 ("300.1.2.3", "is not an IPv4 or IPv6"),
                                 ("10.0.0.0/33", "is not an IPv4 or IPv6"),
                                 ("2001:db8:::1", "is not an IPv4 or IPv6"),
                                 ("proxy.example.org", "is not an IPv4 or IPv6"),
                                 ("10.0.0.0/8;", "is not an IPv4 or IPv6")):
                with self.subTest(value=value):
                    p = subprocess.run([os.path.join(ROOT, "scripts", "nginx-conf"), d, "127.0.0.1:1",
                                        "/x.sock"], capture_output=True, text=True,
                                       env=dict(os.environ, FIGURES_TRUSTED_PROXIES=value))
                    self.assertEqual(p.returncode, 2, p.stderr)
                    self.assertIn("FIGURES_TRUSTED_PROXIES", p.stderr)
                    self.assertIn(words, p.stderr)


class BoundedStaleness(unittest.TestCase):
    """A copy handed out while the workers answer is at most a few seconds old
    (nginx/figures.conf.in: CACHE_SECONDS + inactive + 2 = 13 s with the cache
    at 1 s); with the workers down, a copy still asked for is served."""

    PATH = "/v1/figures?metric=escaped&location=ain-issa-camp"

    def setUp(self):
        self.svc = Service(cache=1)
        self.svc.start()

    def tearDown(self):
        self.svc.stop()

    def values(self, r):
        return sorted(f["value"] for f in r.json()["data"])

    def stored(self):
        """Asks for PATH until nginx keeps a copy (it stores a URL asked twice,
        fastcgi_cache_min_uses 2) and hands it out: the copy."""
        self.svc.get(self.PATH)
        self.svc.get(self.PATH)
        r = self.svc.get(self.PATH)
        self.assertEqual(r.header("x-cache"), "HIT", "the third ask is from the cache")
        return r

    def test_after_a_quiet_while_a_refresh_shows_at_once(self):
        first = self.stored()
        self.assertEqual(self.values(first), [100, 800])
        import_revised_seed(self.svc.db)
        time.sleep(13.5)   # past the bound
        r = self.svc.get(self.PATH)
        self.assertEqual((r.header("x-cache"), self.values(r)), ("MISS", [150, 800]),
                         "a copy older than the bound was handed out")

    def test_with_the_workers_down_a_copy_still_asked_for_is_served(self):
        cached = self.stored()
        self.svc.worker.send_signal(signal.SIGTERM)
        self.svc.worker.wait(timeout=10)
        seen = []
        deadline = time.time() + 15   # well past the copy's validity and the bound
        while time.time() < deadline:
            r = self.svc.get(self.PATH)
            seen.append(r.header("x-cache"))
            self.assertEqual((r.status, r.body), (200, cached.body))
            time.sleep(0.5)
        self.assertIn("STALE", seen)
        self.svc.procs.remove(self.svc.worker)
        self.svc.start_worker()


if __name__ == "__main__":
    unittest.main()
