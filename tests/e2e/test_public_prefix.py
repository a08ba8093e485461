"""The service mounted under a path prefix (FIGURES_PUBLIC_URL=https://host/prefix):
a newsroom's proxy forwards https://news.example.org/news/figures/... to us with
the prefix taken off. Every link a page, a card, an embed code, an error page,
the Atom feed or a table's Link header gives out must carry the prefix, or the
reader who follows it lands outside the service. Each link is parsed out of the
answer (href, src, action), resolved against the public address the answer
was read at, checked to start with the public URL, and followed through the
service (with the prefix taken off, as the proxy does): it must answer 200.
Without a public URL the same links stay root-relative, as they always were."""
import html.parser
import re
import unittest
import urllib.parse

from harness import Service

PUBLIC = "https://news.example.org/news/figures"
PREFIX = "/news/figures"
HOST = "news.example.org"


class Links(html.parser.HTMLParser):
    """Every href, src and action in an HTML document: (tag, attribute, value)."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found += [(tag, k, v) for k, v in attrs if k in ("href", "src", "action")]

    handle_startendtag = handle_starttag


def links_of(body):
    p = Links()
    p.feed(body)
    p.close()
    return p.found


# Every kind of HTML answer: pages (both languages, a search, errors) and cards.
PAGES = ("/", "/?lang=ar", "/?q=ain", "/?q=ain&lang=ar", "/places/ain-issa-camp",
         "/places/ain-issa-camp?lang=ar", "/places/SYR", "/figures/1", "/figures/2?lang=ar",
         "/figures/999", "/places/nowhere-at-all?lang=ar", "/v1/embed/figures/1",
         "/v1/embed/figures/2?lang=ar")


class Prefixed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.svc = Service(public_url=PUBLIC + "/")
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def follow(self, absolute, seen):
        """absolute, an address under PUBLIC, asked of the service as the proxy would."""
        path = absolute[len(PUBLIC):].split("#")[0] or "/"
        if path in seen:
            return
        seen.add(path)
        r = self.svc.get(path)
        self.assertEqual(r.status, 200, "%s (asked as %s): %s" % (absolute, path, r.body[:300]))

    def check(self, page, body, seen):
        """Every link of body, read at PUBLIC + page, is under PUBLIC (or another
        site's absolute address) and answers."""
        found = links_of(body)
        self.assertTrue(found, page)
        for tag, attr, value in found:
            with self.subTest(page=page, tag=tag, attr=attr, value=value):
                if value.startswith("#"):
                    continue
                absolute = urllib.parse.urljoin(PUBLIC + page, value)
                if urllib.parse.urlsplit(absolute).hostname != HOST:
                    self.assertRegex(value, r"^https?://", "another site's address, relative")
                    continue
                self.assertTrue(value.startswith(PREFIX + "/") or value.startswith(PUBLIC + "/"),
                                "a link without the prefix")
                self.assertTrue(absolute.startswith(PUBLIC + "/"), absolute)
                self.follow(absolute, seen)

    def test_every_link_of_every_page_and_card_carries_the_prefix(self):
        seen = set()
        cards = set()
        for page in PAGES:
            r = self.svc.get(page)
            self.assertIn(r.status, (200, 404), page)
            body = r.body.decode()
            self.check(page, body, seen)
            cards.update(v for t, a, v in links_of(body) if t == "iframe")
        # the summary cards the place pages frame, read at their own address
        summaries = [c for c in cards if "/v1/embed/summary?" in c]
        self.assertTrue(summaries, "the place page frames no summary card")
        for card in summaries:
            self.assertTrue(card.startswith(PUBLIC + "/"), card)
            path = card[len(PUBLIC):]
            self.check(path, self.svc.get(path).body.decode(), seen)

    def test_the_forms_and_the_footer_point_under_the_prefix(self):
        self.assertIn('action="%s/"' % PREFIX, self.svc.get("/").body.decode())
        body = self.svc.get("/places/ain-issa-camp").body.decode()
        self.assertIn('href="%s/v1/openapi.json"' % PREFIX, body)
        self.assertIn('href="%s/places/ain-issa-camp?lang=ar"' % PREFIX, body)
        self.assertIn('class="site" href="%s/"' % PREFIX, body)

    def test_oembed_and_atom_give_addresses_under_the_prefix(self):
        r = self.svc.get("/v1/oembed?url=" + urllib.parse.quote(PUBLIC + "/v1/figures/1", safe=""))
        self.assertEqual(r.status, 200, r.body)
        for tag, attr, value in links_of(r.json()["html"]):
            self.assertTrue(value.startswith(PUBLIC + "/"), value)
        atom = self.svc.get("/v1/changes.atom").body.decode()
        hrefs = re.findall(r'href="([^"]*)"', atom)
        self.assertTrue(hrefs)
        for value in hrefs:
            self.assertTrue(value.startswith(PUBLIC + "/"), value)

    def test_the_api_description_names_the_public_url_as_its_server(self):
        # a client reading it at PUBLIC/v1/openapi.json resolves "/" to the host's root
        d = self.svc.get("/v1/openapi.json").json()
        self.assertEqual([srv["url"] for srv in d["servers"]], [PUBLIC])
        self.assertIn("/v1/figures", d["paths"])

    def test_a_tables_next_page_link_carries_the_prefix(self):
        r = self.svc.get("/v1/figures?format=csv&limit=1")
        self.assertEqual(r.status, 200, r.body)
        link = r.header("link")
        self.assertIsNotNone(link)
        target = re.match(r"<([^>]*)>", link).group(1)
        self.assertTrue(target.startswith(PREFIX + "/v1/figures?"), link)
        self.assertEqual(self.svc.get(target[len(PREFIX):]).status, 200)


class Unprefixed(unittest.TestCase):
    """No public URL: the links stay root-relative, exactly as before."""

    @classmethod
    def setUpClass(cls):
        cls.svc = Service()
        cls.svc.start()

    @classmethod
    def tearDownClass(cls):
        cls.svc.stop()

    def test_links_stay_root_relative_and_answer(self):
        base = "http://127.0.0.1:%d" % self.svc.port
        seen = set()
        for page in PAGES:
            body = self.svc.get(page).body.decode()
            for tag, attr, value in links_of(body):
                with self.subTest(page=page, value=value):
                    if value.startswith("#") or re.match(r"^https?://", value):
                        if value.startswith(base):
                            value = value[len(base):]
                        else:
                            continue
                    self.assertTrue(value.startswith("/") and not value.startswith("//"), value)
                    path = value.split("#")[0]
                    if path not in seen:
                        seen.add(path)
                        self.assertEqual(self.svc.get(path).status, 200, path)
        self.assertIn('action="/"', self.svc.get("/").body.decode())
        body = self.svc.get("/places/ain-issa-camp").body.decode()
        for s in ('href="/v1/openapi.json"', 'href="/v1/feeds"',
                  'class="site" href="/"', 'href="/places/ain-issa-camp?lang=ar"',
                  'href="/v1/summary?location=ain-issa-camp"'):
            self.assertIn(s, body)
        card = self.svc.get("/v1/embed/figures/2").body.decode()
        self.assertIn('href="/v1/figures/2"', card)
        self.assertEqual(self.svc.get("/v1/openapi.json").json()["servers"][0]["url"], "/")
        link = self.svc.get("/v1/figures?format=csv&limit=1").header("link")
        self.assertTrue(link.startswith("</v1/figures?"), link)


if __name__ == "__main__":
    unittest.main()
