#!/usr/bin/env python3
"""Generates a large figures database for the benchmark, reproducibly from a seed:
figures across locations (countries > admin1 > admin2), sources and feeds,
as-of dates spread over years, and a share of figures with a second revision.

    gen_db.py --db FILE [--figures 1000000] [--locations 5000] [--sources 50]
              [--years 10] [--seed 1] --refresh PATH-TO-figures-refresh

The schema comes from figures-refresh --migrate, so it is exactly the service's.
"""
import argparse
import datetime
import os
import random
import sqlite3
import subprocess

ap = argparse.ArgumentParser()
ap.add_argument("--db", required=True)
ap.add_argument("--figures", type=int, default=1_000_000)
ap.add_argument("--locations", type=int, default=5000)
ap.add_argument("--sources", type=int, default=50)
ap.add_argument("--years", type=int, default=10)
ap.add_argument("--seed", type=int, default=1)
ap.add_argument("--refresh", required=True)
a = ap.parse_args()

for suffix in ("", "-wal", "-shm", ".lock"):
    if os.path.exists(a.db + suffix):
        os.unlink(a.db + suffix)
subprocess.run([a.refresh, "--db", a.db, "--migrate", "--quiet"], check=True)
rng = random.Random(a.seed)
db = sqlite3.connect(a.db)
db.execute("PRAGMA synchronous=OFF")
db.execute("PRAGMA cache_size=-200000")

countries = ["%s%s%s" % (chr(65 + i // 676 % 26), chr(65 + i // 26 % 26), chr(65 + i % 26))
             for i in range(25)]
locs = []          # (id, code, country, level, parent)
lid = 0
tree = []
for c in countries:
    lid += 1
    locs.append((lid, c, "Country " + c, c, 0, "country", None))
    tree.append((lid, lid, 0))
country_ids = {c: i + 1 for i, c in enumerate(countries)}
adm1 = []
for c in countries:
    for k in range(8):
        lid += 1
        code = "%s%02d" % (c, k)
        locs.append((lid, code, "Province %s" % code, c, 1, "admin1", country_ids[c]))
        tree += [(lid, lid, 0), (country_ids[c], lid, 1)]
        adm1.append((lid, c))
leaf = []
while lid < a.locations:
    parent, c = adm1[(lid) % len(adm1)]
    lid += 1
    code = "%s-%05d" % (c, lid)
    locs.append((lid, code, "District %d" % lid, c, 2, "admin2", parent))
    tree += [(lid, lid, 0), (parent, lid, 1), (country_ids[c], lid, 2)]
    leaf.append((lid, c))
db.executemany("INSERT INTO location (id, code, name, country, admin_level, type, parent_id) "
               "VALUES (?,?,?,?,?,?,?)", locs)
db.executemany("INSERT INTO location_tree (location_id, ancestor_id, depth) VALUES (?,?,?)",
               [(l, anc, d) for l, anc, d in tree])
types = ["un", "ngo", "government", "monitor", "media", "armed_group"]
db.executemany("INSERT INTO source (id, code, name, organisation, type) VALUES (?,?,?,?,?)",
               [(i + 1, "source-%02d" % i, "Source %d" % i, "Organisation %d" % i, types[i % 6])
                for i in range(a.sources)])
db.executemany("INSERT INTO feed (id, code, name, url, adapter, enabled) VALUES (?,?,?,?,?,0)",
               [(i + 1, "feed-%d" % i, "Feed %d" % i, "https://example.org/%d" % i, "hxl")
                for i in range(10)])
groups = ["", "children", "women", "civilians", "foreign nationals", "IS suspects",
          "from neighbouring country", "returnees from camps"]
quals = ["exact"] * 6 + ["about", "almost", "at_least", "more_than", "up_to"]
start = datetime.date.today() - datetime.timedelta(days=365 * a.years)
span = 365 * a.years


def figures():
    for i in range(1, a.figures + 1):
        if rng.random() < 0.9:          # mostly districts, some provinces and countries
            loc, c = leaf[rng.randrange(len(leaf))]
        else:
            row = locs[rng.randrange(len(locs))]
            loc, c = row[0], row[3]
        d = (start + datetime.timedelta(days=rng.randrange(span))).isoformat()
        metric = rng.randint(1, 10)
        src = rng.randint(1, a.sources)
        grp = groups[rng.randrange(len(groups))]
        yield (i, rng.randint(1, 10), "k%d" % i, metric, loc, c, src, grp,
               rng.randint(0, 200000), quals[rng.randrange(len(quals))], d, d, d,
               "2026-01-01T00:00:00Z", "Report %d" % (i % 9973), None,
               "quote %d" % i if i % 7 == 0 else None)


db.executemany("INSERT INTO figure (id, feed_id, key, metric_id, location_id, country, source_id, "
               "grp, value, qualifier, as_of, sort_date, reported_on, retrieved_at, via, url, "
               "quote) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", figures())
db.execute("INSERT INTO revision (figure_id, value, qualifier, as_of, reported_on, retrieved_at, "
           "superseded_at) SELECT id, value, qualifier, as_of, reported_on, retrieved_at, "
           "CASE WHEN id % 5 = 0 THEN '2026-02-01T00:00:00Z' END FROM figure")
db.execute("INSERT INTO revision (figure_id, value, qualifier, as_of, reported_on, retrieved_at) "
           "SELECT id, value + 1, qualifier, as_of, reported_on, '2026-02-01T00:00:00Z' "
           "FROM figure WHERE id % 5 = 0")
db.execute("UPDATE state SET data_version = 1")
db.commit()
db.execute("ANALYZE")
db.commit()
db.close()
# the totals the API reports are the refresher's to keep: it counts them now
subprocess.run([a.refresh, "--db", a.db, "--recount", "--quiet"], check=True)
print("generated %d figures, %d locations, %d sources in %s" % (a.figures, len(locs), a.sources, a.db))
