"""Operators' faults and HTTP's edges (issue 15, items 7, 9, 10): a database
replaced or removed under the running workers, what nginx answers by itself,
bodies on GET, content negotiation, next-page links, cursors, what /v1/feeds
publishes, removing a feed, and scripts/serve beside a running refresh."""
import fcntl
import os
import shutil
import socket
import subprocess
import tempfile
import time
import unittest

from harness import BIN, ROOT, SEED, Service, ServiceTestCase, refresh

SECURITY_HEADERS = {
    "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "access-control-allow-origin": "*",
}

# A one-row HXL sheet unlike the default data: 4242 killed in Idleb.
OTHER_SHEET = (
    "Reported,As of,Country,Location code,Location,Location type,Source,Source code,"
    "Source type,Killed,Qualifier\n"
    "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#loc+type,"
    "#meta+source,#meta+source+code,#meta+source+type,#affected+killed,#meta+qualifier\n"
    "2024-03-02,2024-03-01,SYR,idleb-test-site,Idleb test site,camp,Test monitor,"
    "test-monitor,monitor,%d,exact\n")


def write_sheet(directory, name, value):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(OTHER_SHEET % value)
    return path


def new_database(directory, name, value):
    """A database of its own, as figures-refresh leaves it: one feed, one figure."""
    db = os.path.join(directory, name)
    refresh(db, "--migrate", "--quiet")
    refresh(db, "--import", write_sheet(directory, name + ".csv", value), "--feed", "other",
            "--quiet")
    return db


def killed_values(svc):
    r = svc.get("/v1/figures?metric=killed")
    return r.status, sorted(f["value"] for f in r.json()["data"]) if r.status == 200 else None


def settle(check, timeout=20):
    """check() repeatedly until it is true for 10 answers running (every worker
    answers some of them); the last value otherwise."""
    deadline, run, last = time.time() + timeout, 0, None
    while time.time() < deadline:
        last = check()
        run = run + 1 if last is True else 0
        if run >= 10:
            return True
        time.sleep(0.05)
    return last


class DatabaseReplaced(unittest.TestCase):
    """Item 7: `mv new.db figures.db` under running workers."""

    def swap(self, svc, new):
        """README's way: under the refresher's lock, rename a closed database over it."""
        with open(svc.db + ".lock", "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            os.rename(new, svc.db)

    def test_a_replaced_database_is_served_and_health_says_so(self):
        with Service(workers=2) as svc:
            self.assertEqual(killed_values(svc), (200, [9]))     # SOHR's 9 civilians
            before = svc.get("/v1/health").json()
            self.assertEqual(before["feeds"]["total"], 1)
            # a last small write to the old file (its -wal keeps the frames) …
            refresh(svc.db, "--disable", "ain-issa-report", "--quiet")
            new = new_database(svc.dir, "new.db", 4242)
            refresh(svc.db, "--replace", new, "--quiet")
            self.assertFalse(os.path.exists(new))
            self.assertIs(settle(lambda: killed_values(svc) == (200, [4242])), True,
                          "the workers still answer from the replaced file")
            health = svc.get("/v1/health")
            self.assertEqual(health.status, 200)
            self.assertEqual(health.json()["feeds"]["total"], 1)
            feeds = [f["id"] for f in svc.get("/v1/feeds").json()["data"]]
            self.assertEqual(feeds, ["other"])
            # the refresher writes the new file while the workers read it: no mix
            refresh(svc.db, "--import", write_sheet(svc.dir, "again.csv", 4343), "--feed",
                    "other", "--quiet")
            self.assertIs(settle(lambda: killed_values(svc) == (200, [4343])), True)
            check = subprocess.run(["sqlite3", svc.db, "PRAGMA integrity_check"],
                                   capture_output=True, text=True)
            if check.returncode == 0:
                self.assertEqual(check.stdout.strip(), "ok")
            # and again, by hand (README: under the lock, after a refresh), over a file
            # the workers have only just opened
            self.swap(svc, new_database(svc.dir, "third.db", 77))
            self.assertIs(settle(lambda: killed_values(svc) == (200, [77])), True)
            self.assertIn("was replaced", svc.log("worker"))

    def test_replace_refuses_what_it_cannot_serve(self):
        with Service(workers=1) as svc:
            old = os.path.join(svc.dir, "old-schema.db")
            subprocess.run(["sqlite3", old, "CREATE TABLE t (x); PRAGMA user_version = 3"],
                           check=True)
            p = refresh(svc.db, "--replace", old, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("schema version 3", p.stderr)
            junk = os.path.join(svc.dir, "junk.db")
            with open(junk, "w") as f:
                f.write("not a database\n" * 100)
            p = refresh(svc.db, "--replace", junk, check=False)
            self.assertEqual(p.returncode, 2)
            p = refresh(svc.db, "--replace", os.path.join(svc.dir, "nothing.db"), check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("nothing.db", p.stderr)
            p = refresh(svc.db, "--replace", svc.db, check=False)
            self.assertEqual(p.returncode, 2)
            # while a refresh holds the lock, nothing is replaced
            new = new_database(svc.dir, "new.db", 5)
            with open(svc.db + ".lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                p = refresh(svc.db, "--replace", new, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("lock", p.stderr)
            self.assertTrue(os.path.exists(new))
            self.assertEqual(killed_values(svc), (200, [9]))

    def test_a_removed_database_is_unavailable_not_served_from_the_deleted_file(self):
        with Service(workers=2) as svc:
            self.assertEqual(svc.get("/v1/health").status, 200)
            saved = os.path.join(svc.dir, "saved.db")
            with open(svc.db + ".lock", "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                os.rename(svc.db, saved)
            self.assertIs(settle(lambda: svc.get("/v1/health").status == 503), True,
                          "health still 200 with the database removed")
            body = svc.get("/v1/health").json()
            self.assertEqual(body["status"], "unavailable")
            self.assertIn("does not exist", body["reason"])
            r = svc.get("/v1/figures")
            self.assertEqual(r.status, 503)
            self.assertEqual(r.json()["error"]["code"], "unavailable")
            self.swap(svc, saved)
            self.assertIs(settle(lambda: svc.get("/v1/health").status == 200), True)
            self.assertEqual(killed_values(svc), (200, [9]))


class Operators(unittest.TestCase):
    """Item 10: what /v1/feeds publishes, --remove-feed, serving beside a refresh."""

    def test_feeds_publish_http_urls_only_without_credentials(self):
        with Service(workers=1) as svc:
            refresh(svc.db, "--add-feed", "keyed", "--adapter", "hxl", "--url",
                    "https://alice:pa55word@data.example.org/x.csv?api_key=abc123&country=SYR",
                    "--disabled", "--quiet")
            refresh(svc.db, "--add-feed", "local", "--adapter", "hxl", "--url",
                    "file:///srv/private/figures.csv", "--disabled", "--quiet")
            r = svc.get("/v1/feeds")
            self.assertEqual(r.status, 200)
            urls = {f["id"]: f["url"] for f in r.json()["data"]}
            self.assertEqual(urls, {
                "ain-issa-report": None,   # a file:// URL: the server's path
                "keyed": "https://data.example.org/x.csv?api_key=REDACTED&country=SYR",
                "local": None})
            for secret in (b"pa55word", b"alice", b"abc123", b"/srv/private", b"file:",
                           svc.dir.encode()):
                self.assertNotIn(secret, r.body)
            # the operator's own list keeps the URL as registered
            self.assertIn("pa55word", refresh(svc.db, "--list-feeds").stdout)

    def test_remove_feed_withdraws_its_figures_and_keeps_the_history(self):
        with Service(workers=1) as svc:
            refresh(svc.db, "--import", write_sheet(svc.dir, "typo.csv", 4242), "--feed",
                    "typo", "--quiet")
            self.assertEqual(killed_values(svc), (200, [9, 4242]))
            total = svc.get("/v1/figures").json()["meta"]["total"]
            p = refresh(svc.db, "--remove-feed", "typo")
            self.assertIn("1 figure(s) withdrawn", p.stderr)
            self.assertEqual(killed_values(svc), (200, [9]))
            self.assertEqual(svc.get("/v1/figures").json()["meta"]["total"], total - 1)
            kept = svc.get("/v1/figures?metric=killed&include=withdrawn&feed=typo").json()
            self.assertEqual([(f["value"], f["withdrawn"]) for f in kept["data"]],
                             [(4242, True)])
            one = svc.get("/v1/figures/%d" % kept["data"][0]["id"]).json()["data"]
            self.assertEqual([rv["value"] for rv in one["revisions"]], [4242])
            feeds = {f["id"]: f for f in svc.get("/v1/feeds").json()["data"]}
            self.assertIsNotNone(feeds["typo"]["removed_at"])
            self.assertFalse(feeds["typo"]["enabled"])
            self.assertFalse(feeds["typo"]["stale"])
            self.assertIsNone(feeds["ain-issa-report"]["removed_at"])
            self.assertNotIn("typo", svc.get("/v1/health").json()["feeds"]["stale"])
            self.assertIn("removed", refresh(svc.db, "--list-feeds").stdout)
            # removed for good: not enabled, updated, fetched, imported or removed again
            for args in (["--enable", "typo"], ["--only", "typo"], ["--remove-feed", "typo"],
                         ["--add-feed", "typo", "--interval", "3600"],
                         ["--import", write_sheet(svc.dir, "again.csv", 1), "--feed", "typo"],
                         ["--remove-feed", "no-such-feed"]):
                p = refresh(svc.db, *args, check=False)
                self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertEqual(killed_values(svc), (200, [9]))

    def test_serve_starts_while_a_refresh_holds_the_lock(self):
        import urllib.request
        tmp = tempfile.mkdtemp(prefix="figures-serve-lock-")
        os.chmod(tmp, 0o755)   # the workers' user (www-data under root) sees the database
        db = os.path.join(tmp, "f.db")
        refresh(db, "--migrate", "--quiet")
        refresh(db, "--import", SEED, "--feed", "ain-issa-report", "--quiet")
        port = socket.socket()
        port.bind(("127.0.0.1", 0))
        number = port.getsockname()[1]
        port.close()
        env = dict(os.environ, PORT=str(number), FIGURES_DB=db, FIGURES_WORKERS="1")
        lock = open(db + ".lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)       # a cron refresh, running
        log = open(os.path.join(tmp, "serve.log"), "w+")
        p = subprocess.Popen([os.path.join(ROOT, "scripts", "serve")], env=env, stdout=log,
                             stderr=subprocess.STDOUT)
        try:
            body = None
            for _ in range(600):
                try:
                    body = urllib.request.urlopen(
                        "http://127.0.0.1:%d/v1/figures?metric=escaped" % number,
                        timeout=2).read().decode()
                    break
                except OSError:
                    if p.poll() is not None:
                        break
                    time.sleep(0.2)
            log.seek(0)
            self.assertIsNotNone(body, "serve did not serve: " + log.read()[-2000:])
            self.assertIn('"value":800', body)
        finally:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=30)
            lock.close()
            log.close()
            shutil.rmtree(tmp, ignore_errors=True)

    def test_serve_with_an_old_schema_serves_and_migrates_when_the_refresh_ends(self):
        import urllib.error
        import urllib.request
        tmp = tempfile.mkdtemp(prefix="figures-serve-old-")
        os.chmod(tmp, 0o755)
        db = os.path.join(tmp, "f.db")
        subprocess.run(["sqlite3", db, "PRAGMA journal_mode=WAL; PRAGMA user_version=0"],
                       check=True, capture_output=True)
        port = socket.socket()
        port.bind(("127.0.0.1", 0))
        number = port.getsockname()[1]
        port.close()
        env = dict(os.environ, PORT=str(number), FIGURES_DB=db, FIGURES_WORKERS="1")
        lock = open(db + ".lock", "a")
        fcntl.flock(lock, fcntl.LOCK_EX)
        log = open(os.path.join(tmp, "serve.log"), "w+")
        p = subprocess.Popen([os.path.join(ROOT, "scripts", "serve")], env=env, stdout=log,
                             stderr=subprocess.STDOUT)
        health = "http://127.0.0.1:%d/v1/health" % number

        def status():
            try:
                return urllib.request.urlopen(health, timeout=2).status
            except urllib.error.HTTPError as e:
                return e.code
            except OSError:
                return None
        try:
            for _ in range(600):
                if status() is not None or p.poll() is not None:
                    break
                time.sleep(0.2)
            log.seek(0)
            self.assertEqual(status(), 503, "serve did not serve: " + log.read()[-2000:])
            fcntl.flock(lock, fcntl.LOCK_UN)     # the refresh ends
            for _ in range(300):
                if status() == 200:
                    break
                time.sleep(0.2)
            self.assertEqual(status(), 200)
        finally:
            if p.poll() is None:
                p.terminate()
                p.wait(timeout=30)
            lock.close()
            log.close()
            shutil.rmtree(tmp, ignore_errors=True)


def raw(svc, data):
    """Sends bytes as they are; returns (status, headers, body) of the answer."""
    with socket.create_connection(("127.0.0.1", svc.port), timeout=10) as c:
        c.sendall(data)
        answer = b""
        while True:
            chunk = c.recv(65536)
            if not chunk:
                break
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        headers[k.strip().lower()] = v.strip()
    return int(lines[0].split()[1]), headers, body


class HttpEdges(ServiceTestCase):
    """Item 9: what nginx answers by itself, bodies, Accept, links, cursors."""

    SERVICE = dict(workers=2)

    def assert_json_error(self, status, headers, body, want, code):
        self.assertEqual(status, want, body[:300])
        self.assertTrue(headers.get("content-type", "").startswith("application/json"), headers)
        e = __import__("json").loads(body)["error"]
        self.assertEqual((e["status"], e["code"]), (want, code))
        self.assertIn("parameter", e)
        for k, v in SECURITY_HEADERS.items():
            self.assertEqual(headers.get(k), v, k)

    def test_nginx_own_answers_are_json_with_the_security_headers(self):
        big = b"GET /v1/health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20000 + \
            b"\r\nConnection: close\r\n\r\n"
        self.assert_json_error(*raw(self.svc, big), 431, "header_too_large")
        te = (b"GET /v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n"
              b"Connection: close\r\n\r\n")
        self.assert_json_error(*raw(self.svc, te), 501, "not_implemented")
        v2 = b"GET /v1/health HTTP/2.0\r\nHost: x\r\nConnection: close\r\n\r\n"
        self.assert_json_error(*raw(self.svc, v2), 505, "version_not_supported")
        r = self.svc.get("/v1")
        self.assert_json_error(r.status, r.headers, r.body, 404, "not_found")
        self.assertIsNone(r.header("location"))
        r = self.svc.get("/v1?x=1")
        self.assert_json_error(r.status, r.headers, r.body, 404, "not_found")

    def test_a_get_with_any_body_is_refused(self):
        for path in ("/v1/figures", "/v1/health"):
            r = self.svc.request("GET", path, body=b"hello")
            self.assert_json_error(r.status, r.headers, r.body, 413, "body_too_large")
            chunked = ("GET %s HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
                       "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n" % path).encode()
            self.assert_json_error(*raw(self.svc, chunked), 413, "body_too_large")
            self.assertEqual(self.svc.request("GET", path, body=b"").status, 200)

    def test_accept_refusing_json_with_q_0_does_not_get_json(self):
        r = self.svc.get("/v1/figures?metric=escaped",
                         headers={"Accept": "application/json;q=0, */*"})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("text/csv"), r.header("content-type"))
        r = self.svc.get("/v1/figures", headers={"Accept": "application/json;q=0"})
        self.assertEqual(r.status, 406)
        r = self.svc.get("/v1/figures", headers={"Accept": "text/csv;q=0, */*;q=0.1"})
        self.assertTrue(r.header("content-type").startswith("application/json"))
        # the most specific range decides, whatever the order
        r = self.svc.get("/v1/figures", headers={"Accept": "*/*;q=1, text/*;q=0, application/*"})
        self.assertTrue(r.header("content-type").startswith("application/json"))
        # Java's default Accept (a bare "*" and ".2") still works
        r = self.svc.get("/v1/figures", headers={
            "Accept": "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2"})
        self.assertEqual(r.status, 200)
        self.assertTrue(r.header("content-type").startswith("application/json"))

    def test_a_q_value_that_is_not_a_number_from_0_to_1_is_a_400(self):
        for accept in ("application/json;q=2", "text/csv;q=abc", "*/*;q=-1",
                       "application/json;q=0.5x", "application/json;q=", "text/html;q=1.5",
                       "application/json;q=nan", "*/*;q=1e0"):
            r = self.svc.get("/v1/figures", headers={"Accept": accept})
            self.assertEqual(r.status, 400, accept)
            self.assertEqual(r.json()["error"]["code"], "invalid_header", accept)
            self.assertIsNone(r.json()["error"]["parameter"])
        for accept in ("application/json;q=0.5", "application/json; q=1.000",
                       "application/json;Q=0.001", "application/json;charset=utf-8;q=1"):
            self.assertEqual(self.svc.get("/v1/figures", headers={"Accept": accept}).status,
                             200, accept)

    def test_the_next_link_of_a_query_spelling_cursor_with_escapes(self):
        first = self.svc.get("/v1/figures?limit=1").json()
        ids = [f["id"] for f in self.svc.get("/v1/figures?limit=3").json()["data"]]
        cursor = first["meta"]["next_cursor"]
        r = self.svc.get("/v1/figures?format=csv&limit=1&%63ursor=" + cursor)
        self.assertEqual(r.status, 200)
        link = r.header("link")
        target = link[1:link.index(">")]
        query = target.split("?", 1)[1].split("&")
        self.assertEqual(sorted(q.split("=")[0] for q in query), ["cursor", "format", "limit"])
        nxt = self.svc.get(target)
        self.assertEqual(nxt.status, 200, nxt.body)
        self.assertEqual(nxt.body.decode().splitlines()[1].split(",")[0], str(ids[2]))
        # an escaped cursor does not count towards the 2 KB either
        long_ok = "/v1/figures?group=" + "x" * 2000 + "&%63ursor=" + cursor
        self.assertNotEqual(self.svc.get(long_ok).status, 414)

    def test_a_forged_cursor_is_a_position_and_a_malformed_one_is_a_400(self):
        import base64
        page = self.svc.get("/v1/figures?limit=2").json()
        real = page["meta"]["next_cursor"]
        last = page["data"][-1]
        date = last["as_of"] or last["reported_on"]
        forged = base64.urlsafe_b64encode(("f1|%s|%d" % (date, last["id"])).encode()) \
            .decode().rstrip("=")
        self.assertEqual(forged, real)   # a cursor is a position, not a secret
        a = self.svc.get("/v1/figures?limit=2&cursor=" + real).json()["data"]
        b = self.svc.get("/v1/figures?limit=2&cursor=" + forged).json()["data"]
        self.assertEqual(a, b)
        for bad in ("f1|2019-02-30|3", "l1|SYR", "f1|2019-10-13|0", "f2|2019-10-13|3"):
            token = base64.urlsafe_b64encode(bad.encode()).decode().rstrip("=")
            r = self.svc.get("/v1/figures?cursor=" + token)
            self.assertEqual(r.status, 400, bad)
            self.assertEqual(r.json()["error"]["parameter"], "cursor")


if __name__ == "__main__":
    unittest.main()
