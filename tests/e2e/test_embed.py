"""Issue 4, embeds: HTML cards for journalists' iframes, oEmbed for publishing
systems, every source value escaped, and the cards rendered in headless
Chromium (screenshots saved in the build directory for a person to look at)."""
import html.parser
import os
import re
import shutil
import struct
import tempfile
import unittest
import urllib.parse

import harness
from harness import ServiceTestCase, refresh

CHROMIUM = harness.CHROMIUM
OUT = os.path.join(harness.BIN, "test-output")

# A source that tries to break the card, and one that writes in Arabic.
HOSTILE = "\r\n".join([
    "Reported,As of,Country,Location code,Location,Source,Source code,Source type,URL,Killed,Displaced,Qualifier,Group,Quote",
    "#date+reported,#date+occurred,#country+code,#loc+code,#loc+name,#meta+source,#meta+source+code,#meta+source+type,#meta+url,#affected+killed,#affected+displaced,#meta+qualifier,#description+group,#description+quote",
    '2020-05-01,2020-05-01,SYR,hostile-town,"Town <b>bold</b>","<script>alert(1)</script>",hostile,media,javascript:alert(1),7,,exact,"x"" onmouseover=""alert(2)","</blockquote><img src=x onerror=alert(3)>"',
    "2020-05-02,2020-05-02,SYR,raqqa-city,الرقة,المرصد السوري لحقوق الإنسان,sohr-ar,monitor,https://example.org/ar-report,,1500,about,نازحون من الرقة,نزح نحو 1500 شخص من المدينة خلال يومين",
]) + "\r\n"


class Elements(html.parser.HTMLParser):
    """The elements and attributes a browser would see."""

    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", head[16:24])


class Embed(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tmp = tempfile.mkdtemp(prefix="figures-embed-")
        path = os.path.join(tmp, "hostile.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(HOSTILE)
        refresh(cls.svc.db, "--import", path, "--feed", "hostile", "--quiet")
        shutil.rmtree(tmp)
        ids = {f["source"]["id"]: f["id"] for f in cls.svc.get("/v1/figures?feed=hostile").json()["data"]}
        cls.hostile, cls.arabic = ids["hostile"], ids["sohr-ar"]

    def card(self, path):
        r = self.svc.get(path)
        self.assertEqual(r.status, 200, r.body[:300])
        self.assertEqual(r.header("content-type"), "text/html; charset=utf-8")
        csp = r.header("content-security-policy")
        self.assertIn("default-src 'none'", csp)
        self.assertNotIn("script-src", csp)
        html = r.body.decode("utf-8")
        parsed = Elements()
        parsed.feed(html)
        self.assertFalse(set(parsed.tags) & {"script", "img", "iframe", "object", "embed",
                                             "svg", "form", "base"},
                         "a card loads nothing and runs nothing")
        for tag, name, value in parsed.attrs:
            if tag == "link" and name == "rel":
                self.assertEqual(value, "alternate", "the one <link>: oEmbed discovery, loading nothing")
            if tag == "link" and name == "type":
                self.assertEqual(value, "application/json+oembed")
        for tag, name, value in parsed.attrs:
            self.assertFalse(name.startswith("on") or name in ("src", "srcset", "style"),
                             "%s has %s=%r" % (tag, name, value))
            if name == "href":
                self.assertRegex(value, r"^(https?://|/v1/)", "only http(s) links")
            if tag == "link" and name == "href":
                self.assertRegex(value, r"^http://127\.0\.0\.1:\d+/v1/oembed\?url=http%3A%2F%2F")
        self.assertNotRegex(html.lower(), r"@import|url\(")
        return html

    def test_a_figure_card_shows_number_qualifier_what_where_source_and_date(self):
        html = self.card("/v1/embed/figures/2")
        for text in ('<span class="q">almost</span>', ">800<", "escaped", "Ain Issa camp",
                     "Kurdish authorities", "as of <time datetime=\"2019-10-13\">13 October 2019</time>",
                     "foreigners affiliated with IS", 'href="/v1/figures/2"'):
            self.assertIn(text, html)
        self.assertNotIn("Source document", html, "the report gave no URL: no link is invented")
        self.assertIn('<html lang="en" dir="ltr">', html)
        self.assertIn('class="light"', html)

    def test_every_value_from_a_source_is_escaped(self):
        html = self.card("/v1/embed/figures/%d" % self.hostile)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)
        self.assertIn("&lt;/blockquote&gt;&lt;img src=x onerror=alert(3)&gt;", html)
        self.assertIn("Town &lt;b&gt;bold&lt;/b&gt;", html)
        self.assertIn("x&quot; onmouseover=&quot;alert(2)", html)
        self.assertNotIn("javascript:", html, "only http(s) URLs become links")
        self.assertNotIn("<script", html)

    def test_dark_theme_and_right_to_left(self):
        self.assertIn('class="dark"', self.card("/v1/embed/figures/2?theme=dark"))
        html = self.card("/v1/embed/figures/%d?lang=ar" % self.arabic)
        self.assertIn('<html lang="ar" dir="rtl">', html)
        self.assertIn("المصدر", html)
        self.assertIn("<bdi>المرصد السوري لحقوق الإنسان</bdi>", html)
        self.assertIn('<span class="q">حوالي</span> <span class="n" dir="ltr">1,500</span>', html)
        self.assertIn('href="https://example.org/ar-report"', html)
        self.assertIn('<time datetime="2020-05-02">2 مايو 2020</time>', html,
                      "dates written for Arabic readers, in the card's direction")
        self.assertIn('dir="auto"', html)
        self.assertEqual(self.svc.get("/v1/embed/figures/2?lang=fr").status, 200)
        self.assertEqual(self.svc.get("/v1/embed/figures/2?lang=de").status, 400)
        self.assertEqual(self.svc.get("/v1/embed/figures/2?theme=pink").status, 400)
        self.assertEqual(self.svc.get("/v1/embed/figures/999").status, 404)

    def test_a_summary_card_shows_every_source_side_by_side(self):
        html = self.card("/v1/embed/summary?metric=escaped&location=ain-issa-camp")
        self.assertIn("A monitoring group (not named in the report)", html)
        self.assertIn("Kurdish authorities", html)
        self.assertIn('<span class="badge no">Sources disagree</span>', html)
        self.assertIn("100 – 800", html)
        self.assertNotIn("450", html, "never an average")
        r = self.svc.get("/v1/embed/summary?metric=detained")
        self.assertEqual(r.status, 400, "a card shows one group")
        self.assertIn("more than one", r.body.decode())
        self.assertEqual(self.svc.get("/v1/embed/summary?metric=released").status, 404)

    def test_oembed(self):
        base = "http://127.0.0.1:%d" % self.svc.port
        q = urllib.parse.quote(base + "/v1/figures/2", safe="")
        r = self.svc.get("/v1/oembed?format=json&url=" + q, {"Host": "127.0.0.1:%d" % self.svc.port})
        self.assertEqual(r.status, 200, r.body)
        d = r.json()
        self.assertEqual((d["version"], d["type"], d["provider_name"]), ("1.0", "rich", "figures"))
        self.assertEqual(d["width"], 320)
        self.assertIn('<iframe src="%s/v1/embed/figures/2"' % base, d["html"])
        self.assertIn("almost 800 escaped", d["title"])
        q2 = urllib.parse.quote(base + "/v1/embed/summary?metric=escaped&theme=dark", safe="")
        d = self.svc.get("/v1/oembed?url=" + q2).json()
        self.assertIn("/v1/embed/summary?metric=escaped&amp;theme=dark", d["html"])
        self.assertEqual(self.svc.get("/v1/oembed?maxwidth=300&url=" + q).json()["width"], 300)
        for path, status in [("/v1/oembed?format=xml&url=" + q, 501),
                             ("/v1/oembed", 400),
                             ("/v1/oembed?url=" + urllib.parse.quote("https://evil.example/v1/figures/2", safe=""), 404),
                             ("/v1/oembed?url=" + urllib.parse.quote(base + "/v1/figures/999", safe=""), 404),
                             ("/v1/oembed?url=" + urllib.parse.quote(base + "/etc/passwd", safe=""), 404)]:
            with self.subTest(path=path):
                r = self.svc.get(path)
                self.assertEqual(r.status, status, r.body)
                self.assertIn("error", r.json())
        r = self.svc.get("/v1/oembed?url=" + q, {"Host": 'x"><script>'})
        self.assertEqual(r.status, 400, "a forged Host never reaches the HTML")

    def chromium(self, *args):
        self.assertIsNotNone(CHROMIUM, "Debian's chromium is needed (scripts/deps browser)")
        return harness.chromium(*args)

    def test_cards_render_in_headless_chromium_at_320px(self):
        os.makedirs(OUT, exist_ok=True)
        base = "http://127.0.0.1:%d" % self.svc.port
        cards = {
            "figure-light": ("/v1/embed/figures/2", ["almost", "800", "Kurdish authorities", "13 October 2019"]),
            "figure-dark": ("/v1/embed/figures/3?theme=dark", ["130,000", "United Nations", "Northern Syria"]),
            "figure-arabic-rtl": ("/v1/embed/figures/%d?lang=ar" % self.arabic, ["حوالي", "1,500", "الرقة"]),
            "summary-escape": ("/v1/embed/summary?metric=escaped", ["Sources disagree", "100", "800"]),
        }
        for name, (path, texts) in cards.items():
            with self.subTest(card=name):
                dom = self.chromium("--dump-dom", base + path)
                self.assertEqual(dom.returncode, 0, dom.stderr[-500:])
                text = re.sub(r"<[^>]+>", " ", dom.stdout)
                for t in texts:
                    self.assertIn(t, text)
                shot = os.path.join(OUT, "embed-%s.png" % name)
                if os.path.exists(shot):
                    os.unlink(shot)
                p = self.chromium("--window-size=320,420", "--screenshot=" + shot, base + path)
                self.assertTrue(os.path.exists(shot), p.stderr[-500:])
                self.assertEqual(png_size(shot), (320, 420))
                self.assertGreater(os.path.getsize(shot), 5000, "the screenshot is not blank")
                print("\n  screenshot: %s" % shot)


if __name__ == "__main__":
    unittest.main()
