#!/usr/bin/env python3
"""Checks a running figures API against the shapes in docs/DESIGN.md.

  usage: tests/e2e/contract_check.py BASE_URL     e.g. http://127.0.0.1:8080

Prints one line per check and exits 1 if any fails (2 if the server cannot be
reached). Every route in docs/DESIGN.md must exist: a 404 fails. It needs data:
at least one figure (the default data has ten). It only reads.
test_api.py runs it against the real worker behind the real nginx;
test_contract_check.py makes sure each shape check can fail.

Written from the team's first contract checker; it now checks the shapes the
project documents (docs/DESIGN.md, "Shapes"), and their types, not only the
names of their fields. Fields beyond those listed are allowed: the contract
says what is always there, not what may be added.
"""
import datetime
import json
import re
import sys
import urllib.error
import urllib.request

DATE = re.compile(r"^\d{4}-\d\d-\d\d$")
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
QUALIFIERS = {"exact", "about", "almost", "at_least", "more_than", "up_to"}
SOURCE_TYPES = {"un", "ngo", "government", "monitor", "media", "armed_group", "other"}
CATEGORIES = {"displacement", "detention", "casualties"}
METRICS = {"displaced", "idps", "refugees", "asylum_seekers", "returnees", "idp_returnees",
           "refugee_returnees", "detained", "escaped", "released", "killed", "injured",
           "killed_injured", "missing"}
UNITS = {"people", "households"}
CAUSE = re.compile(r"^(conflict|violence|disaster|other)(\+(violence|disaster|other))*$")
ADAPTERS = {"hapi", "unhcr", "reliefweb", "dtm", "hxl"}


# -- what a value may be ----------------------------------------------------------------------

def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def string(v):
    return isinstance(v, str)


def text(v):
    return isinstance(v, str) and v != ""


def maybe(kind):
    return lambda v: v is None or kind(v)


def date(v):
    return isinstance(v, str) and DATE.match(v) is not None


def time_(v):
    return isinstance(v, str) and TIME.match(v) is not None


def boolean(v):
    return isinstance(v, bool)


def count(v):
    return is_int(v) and v >= 0


def one_of(values):
    return lambda v: v in values


def obj(v):
    return isinstance(v, dict)


def array(v):
    return isinstance(v, list)


def cause(v):
    return isinstance(v, str) and CAUSE.match(v) is not None


# -- shapes: field -> what its value may be (docs/DESIGN.md, "Shapes") -----------------------

FIGURE_LOCATION = {"code": text, "name": text, "country": text, "admin_level": maybe(count),
                   "type": text}
LOCATION = dict(FIGURE_LOCATION, parent=maybe(text))
SOURCE = {"id": text, "name": text, "organisation": string, "type": one_of(SOURCE_TYPES),
          "url": maybe(string), "licence": maybe(string)}
FIGURE = {"id": is_int, "metric": one_of(METRICS), "category": one_of(CATEGORIES),
          "value": count, "qualifier": one_of(QUALIFIERS), "group": string,
          "location": obj, "as_of": maybe(date), "source": obj, "via": maybe(string),
          "url": maybe(string), "quote": maybe(string), "reported_on": maybe(date),
          "retrieved_at": time_, "licence": maybe(string), "feed": text, "withdrawn": boolean,
          "unit": one_of(UNITS), "cause": maybe(cause), "origin": maybe(obj),
          "by_sex": maybe(obj), "attribution": text}
BY_SEX = {"males": maybe(count), "females": maybe(count)}
REVISION = {"value": count, "qualifier": one_of(QUALIFIERS), "by_sex": maybe(obj),
            "as_of": maybe(date),
            "reported_on": maybe(date), "url": maybe(string), "quote": maybe(string),
            "retrieved_at": time_, "superseded_at": maybe(time_)}
SUMMARY = {"metric": one_of(METRICS), "category": one_of(CATEGORIES), "location": obj,
           "group": string, "claims": array, "range": obj, "sources": count,
           "agree": boolean, "latest_as_of": maybe(date), "unit": one_of(UNITS),
           "cause": maybe(cause), "origin": maybe(obj), "attribution": text}
METRIC = {"id": one_of(METRICS), "category": one_of(CATEGORIES), "hxl": text, "label": text,
          "description": text, "kind": one_of({"stock", "flow"})}
FEED = {"id": text, "name": text, "url": maybe(text), "adapter": one_of(ADAPTERS),
        "interval": count, "enabled": boolean, "last_attempt": maybe(time_),
        "last_success": maybe(time_), "last_error": maybe(string), "consecutive_failures": count,
        "stale": boolean, "last_rows": obj, "removed_at": maybe(time_)}
LAST_ROWS = {"added": count, "changed": count, "unchanged": count, "rejected": count}
CHANGE = {"id": text, "kind": one_of({"added", "revised", "withdrawn"}), "at": time_,
          "figure": obj, "old": maybe(obj), "new": maybe(obj), "changed": array}
CHANGE_VALUE = {"value": count, "qualifier": one_of(QUALIFIERS), "as_of": maybe(date),
                "period": maybe(obj)}
CHANGE_META = {"since": time_, "until": maybe(time_), "limit": count, "next_cursor": maybe(text),
               "data_as_of": time_, "generated_at": time_}
META = {"total": count, "next_cursor": maybe(text), "data_as_of": time_, "generated_at": time_}
PAGED_META = dict(META, limit=count)
ERROR = {"status": is_int, "code": text, "parameter": maybe(text), "message": text}
HEALTH = {"status": one_of({"ok", "degraded"}), "database": obj, "feeds": obj,
          "generated_at": time_}
# a read node's (figures-refresh --follow): only there
HEALTH_FOLLOW = {"url": maybe(text), "version": maybe(count), "data_as_of": maybe(time_),
                 "last_success": maybe(time_), "age_seconds": maybe(count),
                 "max_age_seconds": count, "last_attempt": maybe(time_),
                 "last_error": maybe(string), "stale": boolean}
HEALTH_DB = {"schema_version": count, "data_version": count, "data_as_of": time_,
             "age_seconds": count}
HEALTH_FEEDS = {"total": count, "stale": array}


class Checker:
    def __init__(self, base, out=sys.stdout):
        self.base, self.out, self.fails = base.rstrip("/"), out, 0

    def report(self, ok, what, why=""):
        if not ok:
            self.fails += 1
        print(("ok    " if ok else "FAIL  ") + what + ("" if ok else "  -- " + why),
              file=self.out)
        return ok

    def shape(self, x, spec, where):
        """x has every field of spec, each of the kind spec says."""
        if not self.report(isinstance(x, dict), "%s: an object" % where, repr(x)[:80]):
            return False
        missing = [k for k in spec if k not in x]
        wrong = ["%s=%r" % (k, x[k]) for k, ok in spec.items() if k in x and not ok(x[k])]
        self.report(not missing, "%s: fields" % where, "missing %s" % missing)
        self.report(not wrong, "%s: field types" % where, "wrong: %s" % ", ".join(wrong)[:300])
        return not missing and not wrong

    def figure(self, f, where):
        if not self.shape(f, FIGURE, where):
            return
        self.shape(f["location"], FIGURE_LOCATION, where + ".location")
        self.shape(f["source"], SOURCE, where + ".source")
        if f["origin"] is not None:
            self.shape(f["origin"], FIGURE_LOCATION, where + ".origin")
        if f["by_sex"] is not None:
            self.shape(f["by_sex"], BY_SEX, where + ".by_sex")
        if "period" in f:
            self.shape(f["period"], {"start": maybe(date), "end": maybe(date)},
                       where + ".period")

    def summary_item(self, x, where):
        if not self.shape(x, SUMMARY, where):
            return
        self.shape(x["location"], FIGURE_LOCATION, where + ".location")
        if self.shape(x["range"], {"min": count, "max": count}, where + ".range"):
            self.report(x["range"]["min"] <= x["range"]["max"], where + ": range min <= max",
                        repr(x["range"]))
        self.report(len(x["claims"]) > 0, where + ": claims not empty")
        for i, c in enumerate(x["claims"][:5]):
            self.figure(c, "%s.claims[%d]" % (where, i))

    def change(self, x, where):
        if not self.shape(x, CHANGE, where):
            return
        self.figure(x["figure"], where + ".figure")
        for side in ("old", "new"):
            if x[side] is not None:
                self.shape(x[side], CHANGE_VALUE, "%s.%s" % (where, side))
        self.report((x["old"] is None) == (x["kind"] == "added") and
                    (x["new"] is None) == (x["kind"] == "withdrawn"),
                    where + ": old and new as its kind says", repr(x)[:200])

    def feed(self, x, where):
        if self.shape(x, FEED, where):
            self.shape(x["last_rows"], LAST_ROWS, where + ".last_rows")

    # -- HTTP ---------------------------------------------------------------------------------

    def fetch(self, path, method="GET", headers=None):
        req = urllib.request.Request(self.base + path, method=method, headers=headers or {})
        try:
            r = urllib.request.urlopen(req, timeout=10)
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
        except urllib.error.HTTPError as e:
            return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()

    def get_json(self, path, status=200):
        s, h, b = self.fetch(path)
        self.report(s == status, "%s: %d" % (path, status), "got %d: %r" % (s, b[:120]))
        self.report(h.get("content-type", "").startswith("application/json"),
                    "%s: application/json" % path, h.get("content-type", ""))
        try:
            return s, h, json.loads(b)
        except ValueError:
            self.report(False, "%s: a JSON body" % path, repr(b[:80]))
            return s, h, None

    def list_(self, path, item, meta=PAGED_META, need_items=True):
        s, h, d = self.get_json(path)
        if not self.report(isinstance(d, dict) and isinstance(d.get("data"), list),
                           "%s: data is a list" % path, repr(d)[:120]):
            return None
        self.shape(d.get("meta"), meta, path + " meta")
        if need_items:
            self.report(len(d["data"]) > 0, "%s: has items" % path, "empty")
        for i, x in enumerate(d["data"][:20]):
            item(x, "%s[%d]" % (path, i))
        return d

    # -- the contract -------------------------------------------------------------------------

    def run(self):
        d = self.list_("/v1/figures?limit=20", self.figure)
        if d and d["data"]:
            self.one_figure(d["data"][0]["id"])
            self.paging(d["meta"].get("total"))
            self.http_manners()
        # what we knew at the end of today: everything there is
        today = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d")
        self.list_("/v1/figures?as_of_date=%s&limit=5" % today, self.figure,
                   dict(PAGED_META, as_of_date=one_of({today})))
        self.list_("/v1/summary", self.summary_item)
        self.list_("/v1/sources", lambda x, w: self.shape(x, SOURCE, w))
        self.list_("/v1/locations", lambda x, w: self.shape(x, LOCATION, w))
        self.list_("/v1/metrics", lambda x, w: self.shape(x, METRIC, w), META)
        self.list_("/v1/feeds", self.feed, META)
        # every claim was added at some time since the epoch
        self.list_("/v1/changes?since=1970-01-01&limit=20", self.change, CHANGE_META)
        s, h, b = self.fetch("/v1/changes.atom?limit=1")
        self.report(s == 200 and h.get("content-type", "").startswith("application/atom+xml"),
                    "/v1/changes.atom: an Atom feed", "%d %s" % (s, h.get("content-type")))
        s, h, x = self.get_json("/v1/health")
        if self.shape(x, HEALTH, "/v1/health"):
            self.shape(x["database"], HEALTH_DB, "/v1/health database")
            self.shape(x["feeds"], HEALTH_FEEDS, "/v1/health feeds")
            if "follow" in x:
                self.shape(x["follow"], HEALTH_FOLLOW, "/v1/health follow")
        self.errors()
        s, h, b = self.fetch("/v1/openapi.json")
        self.report(s == 200, "/v1/openapi.json: 200", str(s))
        return self.fails

    def one_figure(self, fid):
        path = "/v1/figures/%d" % fid
        s, h, d = self.get_json(path)
        if not self.report(isinstance(d, dict) and "data" in d, path + ": {data, meta}"):
            return
        self.figure(d["data"], path)
        self.shape(d.get("meta"), {"data_as_of": time_, "generated_at": time_}, path + " meta")
        revs = d["data"].get("revisions") if isinstance(d["data"], dict) else None
        if self.report(isinstance(revs, list) and len(revs) > 0, path + ": revisions",
                       repr(revs)[:80]):
            for i, r in enumerate(revs):
                self.shape(r, REVISION, "%s revisions[%d]" % (path, i))
            self.report(revs[0]["superseded_at"] is None if isinstance(revs[0], dict) else False,
                        path + ": the newest revision is current", repr(revs[0])[:120])

    def paging(self, total):
        s, h, d = self.get_json("/v1/figures?limit=1")
        if not isinstance(d, dict) or not isinstance(d.get("meta"), dict):
            return
        cursor = d["meta"].get("next_cursor")
        if total is not None and total > 1:
            if self.report(isinstance(cursor, str), "/v1/figures?limit=1: next_cursor",
                           repr(cursor)):
                s, h, e = self.get_json("/v1/figures?limit=1&cursor=" + cursor)
                if isinstance(e, dict) and e.get("data") and d.get("data"):
                    self.report(e["data"][0]["id"] != d["data"][0]["id"],
                                "the next page holds another figure")
        else:
            self.report(cursor is None, "a single page: next_cursor null", repr(cursor))

    def http_manners(self):
        s, h, b = self.fetch("/v1/figures?limit=1")
        etag = h.get("etag")
        self.report(bool(etag), "a 200 has an ETag")
        self.report(bool(h.get("last-modified")), "a 200 has Last-Modified")
        self.report(h.get("access-control-allow-origin") == "*", "CORS: *",
                    repr(h.get("access-control-allow-origin")))
        if etag:
            s, h, b = self.fetch("/v1/figures?limit=1", headers={"If-None-Match": etag})
            self.report(s == 304, "If-None-Match: 304", str(s))
        s, h, b = self.fetch("/v1/figures?limit=1&format=csv")
        self.report(s == 200 and h.get("content-type", "").startswith("text/csv"),
                    "format=csv: text/csv", "%d %s" % (s, h.get("content-type")))
        self.report(h.get("x-total-count", "").isdigit(), "format=csv: X-Total-Count",
                    repr(h.get("x-total-count")))
        s, h, b = self.fetch("/v1/figures", method="DELETE")
        self.report(s == 405 and "GET" in h.get("allow", ""), "DELETE: 405 with Allow",
                    "%d %r" % (s, h.get("allow")))

    def errors(self):
        for path, status, param in (("/v1/figures?bogus=1", 400, "bogus"),
                                    ("/v1/figures?since=2019-02-30", 400, "since"),
                                    ("/v1/figures?limit=0", 400, "limit"),
                                    ("/v1/changes?since=yesterday", 400, "since"),
                                    ("/v1/figures/999999999", 404, None)):
            s, h, d = self.get_json(path, status)
            if self.shape(d.get("error") if isinstance(d, dict) else d, ERROR,
                          path + " error"):
                self.report(d["error"]["status"] == status, path + ": error.status",
                            repr(d["error"]["status"]))
                if param is not None:
                    self.report(d["error"]["parameter"] == param,
                                path + ": error.parameter names " + param,
                                repr(d["error"]["parameter"]))


def main(argv):
    if len(argv) != 2 or argv[1].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    c = Checker(argv[1])
    try:
        fails = c.run()
    except (OSError, urllib.error.URLError) as e:
        print("contract-check: cannot reach %s: %s" % (argv[1], e), file=sys.stderr)
        return 2
    print("contract holds" if not fails else "%d check(s) fail" % fails)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
