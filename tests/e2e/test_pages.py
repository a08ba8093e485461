"""Issue 16, item 1: the public pages (/, /places/{code}, /figures/{id}) and the
search they share with the API (/v1/search), loaded in headless Chromium as a
journalist would: find Ain Issa by name in Latin and Arabic script, see that the
sources disagree about the escape, read the chart, copy a working embed code.
Screenshots (320 px: light, dark, Arabic) go to build/test-output/; axe-core
(npm, on Debian's Chromium through puppeteer-core) finds no serious or critical
accessibility violation, in English, Arabic, French and Spanish; every page answers in each
of the four languages; every value from a source is escaped on every page."""
import html
import html.parser
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
import urllib.parse

import harness
from harness import ServiceTestCase, refresh

CHROMIUM = harness.CHROMIUM
OUT = os.path.join(harness.BIN, "test-output")
NPM_DIR = os.path.join(harness.BIN, "npm-axe")
AXE_PACKAGES = ["axe-core@4.10.2", "puppeteer-core@22.15.0"]   # puppeteer 22: Node 18 and up

HEAD = ("Reported,As of,Country,Location code,Location,Location type,Source,Source code,"
        "Source type,URL,Killed,Displaced,Qualifier,Group,Quote\r\n"
        "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#loc+type,#meta+source,"
        "#meta+source+code,#meta+source+type,#meta+url,#affected+killed,#affected+displaced,"
        "#meta+qualifier,#description+group,#description+quote\r\n")
# A source that tries to break the page, and a place named in Arabic (the default
# data names none) whose monitor revises one figure and adds a later one.
HOSTILE = ('2020-05-01,2020-05-01,SYR,hostile-town,"Town <b>bold</b> ""q"" \'a\'",town,'
           '"<script>alert(1)</script>",hostile,media,javascript:alert(1),7,,exact,'
           '"x"" onmouseover=""alert(2)","</blockquote><img src=x onerror=alert(3)>"\r\n')
ARABIC = ("2020-05-02,2020-05-02,SYR,ain-issa-town,عين عيسى,town,المرصد السوري لحقوق الإنسان,"
          "sohr-ar,monitor,https://example.org/ar-report,,%d,about,نازحون,نزح نحو %d شخص\r\n"
          "2020-05-10,2020-05-10,SYR,ain-issa-town,عين عيسى,town,المرصد السوري لحقوق الإنسان,"
          "sohr-ar,monitor,https://example.org/ar-report,,2100,about,نازحون,نزح نحو 2100 شخص\r\n")


class Elements(html.parser.HTMLParser):
    """The elements, attributes and text a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs, self.text = [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_data(self, data):
        self.text.append(data)


class Pages(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.base = "http://127.0.0.1:%d" % cls.svc.port
        tmp = tempfile.mkdtemp(prefix="figures-pages-")
        try:
            path = os.path.join(tmp, "hostile.csv")
            for value in (1500, 1700):   # the second import revises the 2020-05-02 figure
                with open(path, "w", encoding="utf-8") as f:
                    f.write(HEAD + HOSTILE + ARABIC % (value, value))
                refresh(cls.svc.db, "--import", path, "--feed", "hostile", "--quiet")
        finally:
            shutil.rmtree(tmp)
        figures = cls.svc.get("/v1/figures?feed=hostile").json()["data"]
        cls.hostile = [f["id"] for f in figures if f["source"]["id"] == "hostile"][0]
        cls.revised = [f["id"] for f in figures if f["value"] == 1700][0]

    def page(self, path):
        r = self.svc.get(path)
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        csp = r.header("content-security-policy")
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("script-src", csp, "a page runs no script")
        self.assertIn("frame-ancestors 'none'", csp)
        return r.body.decode("utf-8")

    def chromium(self, *args):
        self.assertIsNotNone(CHROMIUM, "Debian's chromium is needed (scripts/deps browser)")
        return harness.chromium(*args)

    def dom(self, path):
        p = self.chromium("--dump-dom", self.base + path)
        self.assertEqual(p.returncode, 0, p.stderr[-500:])
        return p.stdout

    # ---- the search endpoint ----

    def search(self, q, **extra):
        r = self.svc.get("/v1/search?" + urllib.parse.urlencode(dict(q=q, **extra)))
        self.assertEqual(r.status, 200, r.body)
        return [p["code"] for p in r.json()["data"]]

    def test_search_finds_places_by_name_in_any_script_and_by_code(self):
        self.assertEqual(self.search("Ain Issa"), ["ain-issa-camp"], "the Arabic-named town "
                         "is not found by its Latin name: no transliteration")
        self.assertIn("ain-issa-camp", self.search("ain issa"), "ASCII letters in any case")
        self.assertIn("ain-issa-camp", self.search("ISSA CAMP"))
        self.assertEqual(self.search("عين عيسى"), ["ain-issa-town"])
        self.assertEqual(self.search("عيسى"), ["ain-issa-town"], "a substring, in Arabic")
        self.assertEqual(self.search("syr")[0], "SYR", "an exact code comes first")
        self.assertIn("ain-issa-camp", self.search("ain-issa"), "by code")
        # % and _ are themselves, not LIKE's wildcards; \ is itself too
        self.assertEqual(self.search("%"), [])
        self.assertEqual(self.search("_"), [])
        self.assertEqual(self.search("a%a"), [])
        self.assertEqual(self.search("\\"), [])
        self.assertEqual(len(self.search("a", limit=2)), 2)
        for bad in ("/v1/search", "/v1/search?q=", "/v1/search?q=x&limit=0",
                    "/v1/search?q=" + "x" * 101):
            with self.subTest(path=bad[:40]):
                r = self.svc.get(bad)
                self.assertEqual(r.status, 400, r.body)
                self.assertIn("error", r.json())

    # ---- the pages in a browser ----

    def test_home_searches_in_latin_and_arabic_and_lists_countries(self):
        dom = self.dom("/?q=Ain+Issa")
        self.assertIn('href="/places/ain-issa-camp"', dom)
        self.assertIn("Ain Issa camp", dom)
        dom = self.dom("/?q=" + urllib.parse.quote("عين عيسى"))
        self.assertIn('href="/places/ain-issa-town"', dom)
        self.assertIn("عين عيسى", dom)
        dom = self.dom("/")
        self.assertIn("Latest figures by country", dom)
        self.assertIn('href="/places/SYR"', dom, "Syria, the crisis country of the default data")
        self.assertIn('/v1/figures?format=csv&amp;country=SYR', dom)
        self.assertRegex(dom, r'<form[^>]*role="search"[^>]*method="get"')

    def section(self, dom, heading):
        """The <section> whose <h2> begins with heading."""
        for s in re.findall(r"<section[^>]*>.*?</section>", dom, re.S):
            h2 = re.search(r"<h2[^>]*>(.*?)</h2>", s, re.S)
            if h2 and re.sub(r"<[^>]+>", "", h2.group(1)).startswith(heading):
                return s
        self.fail("no section %r" % heading)

    def test_place_page_shows_both_escape_claims_and_that_sources_disagree(self):
        dom = self.dom("/places/ain-issa-camp")
        first = re.search(r'<h2 id="item\d+">(.*?)</h2>', dom, re.S).group(1)
        self.assertTrue(first.startswith("escaped"), "where sources disagree comes first")
        esc = self.section(dom, "escaped")
        text = html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", esc)))
        self.assertIn("Sources disagree: A monitoring group (not named in the report) counted 100, "
                      "Kurdish authorities said almost 800.", text)
        self.assertIn("range 100 – 800", text)
        self.assertIn("as of 2019-10-13", text)
        self.assertIn("Qualifier: almost", text)
        self.assertIn("Qualifier: exact", text)
        self.assertIn("Unit: people", text)
        # the chart: one series per source, with its accessible name and table
        series = re.findall(r'<g class="series[^"]*" data-source="([^"]*)"', esc)
        self.assertEqual(sorted(series), ["A monitoring group (not named in the report)",
                                          "Kurdish authorities"])
        self.assertRegex(esc, r'<svg[^>]*role="img"[^>]*aria-labelledby="chart\d+-t chart\d+-d"')
        self.assertIn("<title id=", esc)
        self.assertIn("<desc id=", esc)
        self.assertEqual(len(re.findall(r"<tr><td>", esc)), 2, "a table row per point")
        # links to the same view as JSON, CSV and HXL, each answering
        links = re.findall(r'href="(/v1/summary\?[^"]*)"', esc)
        self.assertEqual(len(links), 3)
        for link in links:
            r = self.svc.get(html.unescape(link))
            self.assertEqual(r.status, 200, link)
        self.assertIn(b"Kurdish authorities", self.svc.get(html.unescape(links[0])).body)

    def test_embed_box_holds_a_working_iframe_and_oembed_address(self):
        dom = self.dom("/places/ain-issa-camp")
        esc = self.section(dom, "escaped")
        code = html.unescape(re.search(r'<textarea[^>]*class="embed-code"[^>]*>(.*?)</textarea>',
                                       esc, re.S).group(1))
        src = html.unescape(re.search(r'<iframe src="([^"]+)"', code).group(1))
        self.assertTrue(src.startswith(self.base + "/v1/embed/summary?"), src)
        r = self.svc.get(src[len(self.base):])
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertIn("Sources disagree", r.body.decode())
        oembed = html.unescape(re.search(r'class="oembed-url"[^>]*value="([^"]+)"', esc).group(1))
        r = self.svc.get(oembed[len(self.base):], {"Host": "127.0.0.1:%d" % self.svc.port})
        self.assertEqual(r.status, 200, r.body)
        self.assertIn("/v1/embed/summary?", r.json()["html"])
        # the figure page's card
        dom = self.dom("/figures/2")
        code = html.unescape(re.search(r'class="embed-code"[^>]*>(.*?)</textarea>', dom, re.S).group(1))
        src = html.unescape(re.search(r'<iframe src="([^"]+)"', code).group(1))
        self.assertEqual(src, self.base + "/v1/embed/figures/2")
        self.assertEqual(self.svc.get("/v1/embed/figures/2").status, 200)

    def test_pages_announce_their_card_for_oembed_discovery(self):
        """A publishing system given a place's or a figure's page address finds its card:
        <link rel="alternate" type="application/json+oembed"> in the head, answering."""
        host = {"Host": "127.0.0.1:%d" % self.svc.port}
        for path, card in (("/places/ain-issa-camp", "/v1/embed/summary?"),
                           ("/figures/2", "/v1/embed/figures/2")):
            with self.subTest(path):
                page = self.svc.get(path, host).body.decode()
                head = page[:page.index("</head>")]
                links = re.findall(r'<link rel="alternate" type="application/json\+oembed" '
                                   r'href="([^"]+)"', head)
                self.assertEqual(len(links), 1, head[:600])
                href = html.unescape(links[0])
                self.assertTrue(href.startswith("http://127.0.0.1:%d/v1/oembed?url=" %
                                                self.svc.port), href)
                r = self.svc.get(href[href.index("/v1/oembed"):], host)
                self.assertEqual(r.status, 200, r.body[:300])
                self.assertIn(card, r.json()["html"])
        self.assertNotIn("json+oembed", self.svc.get("/", host).body.decode(),
                         "the home page has no one card")

    def test_figure_page_shows_the_figure_and_its_revisions(self):
        dom = self.dom("/figures/%d" % self.revised)
        text = html.unescape(re.sub(r"<[^>]+>", " ", dom))
        self.assertIn("1,700", text)
        self.assertIn("1,500", text, "the earlier value, as a revision")
        revs = re.search(r'<h2 id="revs">.*?</table>', dom, re.S).group(0)
        self.assertEqual(len(re.findall(r"<tr><td>", revs)), 2)
        self.assertIn('href="/v1/figures/%d"' % self.revised, dom)
        self.assertEqual(len(re.findall(r'<g class="series', dom)), 1, "one source")

    def test_arabic_place_page_is_right_to_left_with_a_line_per_source(self):
        dom = self.dom("/places/ain-issa-town?lang=ar")
        self.assertRegex(dom, r'<html lang="ar" dir="rtl"')
        self.assertIn("<bdi>عين عيسى</bdi>", dom)
        self.assertIn("مصدر واحد", dom, "one source (its latest claim)")
        self.assertEqual(len(re.findall(r"<polyline", dom)), 1, "two dates: a line")

    def test_every_page_speaks_each_of_the_four_languages(self):
        names = {"en": "English", "ar": "العربية", "fr": "Français", "es": "Español"}
        pages = ["/", "/?q=Ain+Issa", "/places/ain-issa-camp", "/places/ain-issa-town",
                 "/figures/%d" % self.revised]
        for lang in names:
            for path in pages:
                with self.subTest(lang=lang, path=path):
                    sep = "&" if "?" in path else "?"
                    body = self.page(path + sep + "lang=" + lang)
                    self.assertTrue(body.startswith(
                        '<!DOCTYPE html>\n<html lang="%s" dir="%s">'
                        % (lang, "rtl" if lang == "ar" else "ltr")), body[:80])
                    here = path.split("?")[0]
                    for other, name in names.items():
                        link = 'href="%s?lang=%s" lang="%s" hreflang="%s">%s</a>' % (
                            html.escape(here), other, other, other, name)
                        if other == lang:
                            self.assertNotIn(link, body)
                        else:
                            self.assertIn(link, body, "the switch offers every other language")
            with self.subTest(lang=lang, error=True):
                r = self.svc.get("/places/nowhere?lang=" + lang)
                self.assertEqual(r.status, 404)
                self.assertIn('<html lang="%s" dir="%s">' % (lang, "rtl" if lang == "ar" else "ltr"),
                              r.body.decode())
        self.assertIn("Trouver un lieu", self.page("/?lang=fr"))
        self.assertIn("Buscar un lugar", self.page("/?lang=es"))
        self.assertIn("Les sources divergent", self.page("/places/ain-issa-camp?lang=fr"))
        self.assertIn("Las fuentes discrepan", self.page("/places/ain-issa-camp?lang=es"))
        # no language, or one the pages do not speak: English, as before
        self.assertTrue(self.page("/").startswith('<!DOCTYPE html>\n<html lang="en" dir="ltr">'))
        r = self.svc.get("/?lang=xx")
        self.assertEqual(r.status, 400)
        self.assertIn('<html lang="en" dir="ltr">', r.body.decode())
        self.assertIn("lang must be one of: en, ar, fr, es", r.body.decode())

    def test_pages_have_validators_and_their_errors_are_pages(self):
        r = self.svc.get("/places/ain-issa-camp")
        self.assertTrue(r.header("etag"))
        self.assertIn("max-age", r.header("cache-control"))
        self.assertEqual(self.svc.get("/places/ain-issa-camp",
                                      {"If-None-Match": r.header("etag")}).status, 304)
        for path, status in [("/places/nowhere", 404), ("/figures/99999", 404),
                             ("/figures/abc", 400), ("/?zz=1", 400), ("/places/a%20b", 404)]:
            with self.subTest(path=path):
                r = self.svc.get(path)
                self.assertEqual(r.status, status)
                self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
                self.assertIn('role="search"', r.body.decode(), "a way on: the search box")
        self.assertEqual(self.svc.get("/elsewhere").status, 404)

    # ---- escaping ----

    def test_every_value_from_a_source_is_escaped_on_every_page(self):
        for path in ["/", "/?q=Town", "/?q=" + urllib.parse.quote('"><script>'),
                     "/places/hostile-town", "/places/hostile-town?lang=ar",
                     "/figures/%d" % self.hostile]:
            with self.subTest(path=path):
                body = self.page(path)
                parsed = Elements()
                parsed.feed(body)
                self.assertFalse(set(parsed.tags) & {"script", "img", "object", "embed",
                                                     "base", "b"}, "markup from a source")
                # the one <link> is the page's own oEmbed discovery, whole
                links = [a for a in parsed.attrs if a[0] == "link"]
                self.assertIn(sorted(k for _, k, _ in links),
                              ([], ["href", "rel", "title", "type"]), links)
                if links:
                    self.assertEqual(dict((k, v) for _, k, v in links)["type"],
                                     "application/json+oembed")
                for tag, name, value in parsed.attrs:
                    self.assertFalse(name.startswith("on"), (tag, name, value))
                    if name in ("href", "src", "action"):
                        self.assertFalse(value.strip().lower().startswith("javascript:"),
                                         (tag, name, value))
                    if tag == "iframe":
                        self.assertTrue(value is None or not name == "src" or
                                        value.startswith(self.base + "/v1/embed/"), value)
                text = "".join(parsed.text)
                if "hostile-town" in path or "figures" in path:
                    self.assertIn("<script>alert(1)</script>", text, "shown as text")
                    self.assertIn('Town <b>bold</b> "q" \'a\'', text)

    # ---- screenshots and accessibility ----

    def test_screenshots_at_320px(self):
        os.makedirs(OUT, exist_ok=True)
        shots = {
            "home": ("/", []),
            "search": ("/?q=Ain+Issa", []),
            "place-light": ("/places/ain-issa-camp", []),
            "place-dark": ("/places/ain-issa-camp", ["--force-dark-mode"]),
            "place-arabic": ("/places/ain-issa-town?lang=ar", []),
            "figure": ("/figures/%d" % self.revised, []),
        }
        for name, (path, flags) in shots.items():
            with self.subTest(page=name):
                self.page(path)   # a page, not an error, is what is shot
                shot = os.path.join(OUT, "page-%s.png" % name)
                if os.path.exists(shot):
                    os.unlink(shot)
                p = self.chromium("--window-size=320,1400", *flags, "--screenshot=" + shot,
                                  self.base + path)
                self.assertTrue(os.path.exists(shot), p.stderr[-500:])
                self.assertGreater(os.path.getsize(shot), 10000, "the screenshot is not blank")
                print("\n  screenshot: %s" % shot)

    def test_axe_finds_no_serious_or_critical_violation(self):
        node = shutil.which("node")
        self.assertIsNotNone(node, "Node is needed for axe-core (scripts/deps node)")
        if not os.path.exists(os.path.join(NPM_DIR, "node_modules", "puppeteer-core")):
            subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                            "--prefix", NPM_DIR, *AXE_PACKAGES],
                           check=True, capture_output=True, timeout=600,
                           env=dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1"))
        paths = ["/", "/?q=Ain+Issa", "/places/ain-issa-camp", "/places/ain-issa-town?lang=ar",
                 "/places/ain-issa-camp?lang=fr", "/figures/%d?lang=es" % self.revised,
                 "/places/hostile-town", "/figures/%d" % self.revised, "/places/nowhere"]
        p = subprocess.run([node, os.path.join(harness.ROOT, "tests", "e2e", "axe_pages.js"),
                            CHROMIUM, *[self.base + path for path in paths]],
                           capture_output=True, text=True, timeout=600,
                           env=dict(os.environ, NODE_PATH=os.path.join(NPM_DIR, "node_modules")))
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        results = json.loads(p.stdout)
        self.assertEqual(len(results), 2 * len(paths), "every page, light and dark")
        bad = {page: [v for v in found if v["impact"] in ("serious", "critical")]
               for page, found in results.items()}
        bad = {page: found for page, found in bad.items() if found}
        self.assertEqual(bad, {}, json.dumps(bad, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    unittest.main()
