"""peer_app.py: the benchmark's peer, the app users would otherwise pick. FastAPI on
uvicorn (HDX HAPI's stack; Debian's python3-fastapi and python3-uvicorn) over the same
SQLite file as the worker, written as plainly as such an app is: queries with the
sqlite3 module, JSON by FastAPI's default response, CSV by the csv module. It answers
what scripts/bench measures it on, with the same data and the same filters:

    GET /v1/figures/{id}                                  a figure and its revisions
    GET /v1/figures?location=&metric=&since=&until=&limit= a filtered page, newest first, with its total
    GET /v1/figures?country=&metric=&format=csv&limit=     the same as CSV
    GET /v1/summary?country=&limit=                        a page of groups (metric, place,
                                                           population group): each source's
                                                           latest claim, the range

Run by scripts/bench (never part of the service):

    FIGURES_DB=figures.db python3 -m uvicorn peer_app:app --app-dir tests/bench --workers 2
"""
import csv
import io
import os
import sqlite3
import threading
from typing import Optional

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import Response

DB = os.environ.get("FIGURES_DB", "figures.db")
CODE = r"^[A-Za-z0-9._-]{1,64}$"
DATE = r"^\d{4}-\d{2}-\d{2}$"

app = FastAPI(title="figures peer")
local = threading.local()


def db():
    """This thread's connection, read-only (FastAPI runs plain `def` routes in a thread pool)."""
    conn = getattr(local, "conn", None)
    if conn is None:
        conn = sqlite3.connect("file:%s?mode=ro" % DB, uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        local.conn = conn
    return conn


FIGURE_SELECT = """
SELECT f.id, m.code AS metric, m.category, f.value, f.qualifier, f.grp,
       l.code AS location_code, l.name AS location_name, l.country AS location_country,
       l.admin_level AS location_admin_level, l.type AS location_type,
       f.as_of, f.period_start, f.period_end,
       s.code AS source_code, s.name AS source_name, s.organisation AS source_organisation,
       s.type AS source_type, s.url AS source_url,
       f.via, f.url, f.quote, f.reported_on, f.retrieved_at, f.licence, fd.code AS feed,
       f.unit, f.cause, f.males, f.females, o.code AS origin
FROM figure f
JOIN metric m ON m.id = f.metric_id
JOIN location l ON l.id = f.location_id
JOIN source s ON s.id = f.source_id
JOIN feed fd ON fd.id = f.feed_id
LEFT JOIN location o ON o.id = f.origin_id
"""


def figure_dict(r):
    return {
        "id": r["id"], "metric": r["metric"], "category": r["category"], "value": r["value"],
        "qualifier": r["qualifier"], "group": r["grp"],
        "location": {"code": r["location_code"], "name": r["location_name"],
                     "country": r["location_country"], "admin_level": r["location_admin_level"],
                     "type": r["location_type"]},
        "as_of": r["as_of"], "period_start": r["period_start"], "period_end": r["period_end"],
        "source": {"code": r["source_code"], "name": r["source_name"],
                   "organisation": r["source_organisation"], "type": r["source_type"],
                   "url": r["source_url"]},
        "via": r["via"], "url": r["url"], "quote": r["quote"], "reported_on": r["reported_on"],
        "retrieved_at": r["retrieved_at"], "licence": r["licence"], "feed": r["feed"],
        "unit": r["unit"], "cause": r["cause"], "males": r["males"], "females": r["females"],
        "origin": r["origin"],
    }


def filters(location, metric, country, since, until):
    """The WHERE clause of a figures query and its parameters: each filter given, in order."""
    where, args = ["f.withdrawn = 0"], []
    for clause, value in (("l.code = ?", location), ("m.code = ?", metric),
                          ("f.country = ?", country), ("f.sort_date >= ?", since),
                          ("f.sort_date <= ?", until)):
        if value is not None:
            where.append(clause)
            args.append(value)
    return " AND ".join(where), args


CSV_COLUMNS = ["id", "metric", "value", "qualifier", "group", "location_code", "location_name",
               "country", "as_of", "period_start", "period_end", "source_code", "source_name",
               "url", "reported_on", "retrieved_at", "feed", "unit", "cause"]


@app.get("/v1/figures")
def list_figures(location: Optional[str] = Query(None, regex=CODE),
                 metric: Optional[str] = Query(None, regex=CODE),
                 country: Optional[str] = Query(None, regex=r"^[A-Z]{3}$"),
                 since: Optional[str] = Query(None, regex=DATE),
                 until: Optional[str] = Query(None, regex=DATE),
                 limit: int = Query(50, ge=1, le=10000),
                 format: str = Query("json", regex="^(json|csv)$")):
    where, args = filters(location, metric, country, since, until)
    conn = db()
    rows = conn.execute(FIGURE_SELECT + " WHERE " + where +
                        " ORDER BY f.sort_date DESC, f.id DESC LIMIT ?", args + [limit]).fetchall()
    if format == "csv":
        out = io.StringIO()
        w = csv.writer(out)
        w.writerow(CSV_COLUMNS)
        for r in rows:
            w.writerow([r["id"], r["metric"], r["value"], r["qualifier"], r["grp"],
                        r["location_code"], r["location_name"], r["location_country"], r["as_of"],
                        r["period_start"], r["period_end"], r["source_code"], r["source_name"],
                        r["url"], r["reported_on"], r["retrieved_at"], r["feed"], r["unit"],
                        r["cause"]])
        return Response(out.getvalue(), media_type="text/csv; charset=utf-8")
    total = conn.execute("SELECT count(*) FROM figure f JOIN metric m ON m.id = f.metric_id "
                         "JOIN location l ON l.id = f.location_id WHERE " + where,
                         args).fetchone()[0]
    return {"data": [figure_dict(r) for r in rows], "meta": {"total": total, "limit": limit}}


@app.get("/v1/figures/{figure_id}")
def get_figure(figure_id: int):
    conn = db()
    row = conn.execute(FIGURE_SELECT + " WHERE f.id = ?", (figure_id,)).fetchone()
    if row is None:
        raise HTTPException(status_code=404, detail="no figure has id %d" % figure_id)
    fig = figure_dict(row)
    fig["revisions"] = [dict(r) for r in conn.execute(
        "SELECT id, value, qualifier, as_of, period_start, period_end, reported_on, url, quote, "
        "retrieved_at, superseded_at, males, females FROM revision WHERE figure_id = ? "
        "ORDER BY id DESC", (figure_id,))]
    return {"data": fig}


@app.get("/v1/summary")
def summary(country: str = Query(..., regex=r"^[A-Z]{3}$"),
            limit: int = Query(50, ge=1, le=200)):
    conn = db()
    # the page's groups, then each source's latest claim in each of them
    groups = conn.execute(
        "SELECT DISTINCT metric_id, location_id, grp, facet FROM figure "
        "WHERE country = ? AND withdrawn = 0 "
        "ORDER BY metric_id, location_id, grp, facet LIMIT ?", (country, limit)).fetchall()
    if not groups:
        return {"data": [], "meta": {"limit": limit}}
    first, last = tuple(groups[0]), tuple(groups[-1])
    claims = conn.execute(
        "SELECT * FROM (" + FIGURE_SELECT.replace("SELECT f.id,", "SELECT f.id, f.metric_id, "
        "f.location_id, f.facet, row_number() OVER (PARTITION BY f.metric_id, f.location_id, "
        "f.grp, f.facet, f.source_id ORDER BY f.sort_date DESC, f.id DESC) AS latest,", 1) +
        " WHERE f.country = ? AND f.withdrawn = 0 "
        "AND (f.metric_id, f.location_id, f.grp, f.facet) >= (?, ?, ?, ?) "
        "AND (f.metric_id, f.location_id, f.grp, f.facet) <= (?, ?, ?, ?)) "
        "WHERE latest = 1 ORDER BY metric_id, location_id, grp, facet, value, source_code",
        (country,) + first + last).fetchall()
    items = {}
    for c in claims:
        key = (c["metric_id"], c["location_id"], c["grp"], c["facet"])
        item = items.get(key)
        if item is None:
            item = items[key] = {"metric": c["metric"], "location": {
                "code": c["location_code"], "name": c["location_name"],
                "country": c["location_country"]}, "group": c["grp"], "claims": []}
        item["claims"].append(figure_dict(c))
    for item in items.values():
        values = [c["value"] for c in item["claims"]]
        item["min"], item["max"], item["sources"] = min(values), max(values), len(values)
        item["latest_as_of"] = max((c["as_of"] or c["period_end"] or "") for c in item["claims"])
    return {"data": list(items.values()), "meta": {"limit": limit}}
