"""/v1/openapi.json: valid by a real validator (Redocly, from the npm registry),
and the same routes and parameters as the worker serves, both ways."""
import json
import os
import re
import subprocess
import tempfile
import unittest

import harness
from harness import ServiceTestCase

REDOCLY_VERSION = "1.9.1"   # runs on Debian 12's own Node 18
NPM_DIR = os.path.join(harness.BIN, "npm")
REDOCLY = os.path.join(NPM_DIR, "node_modules", ".bin", "redocly")


def install_redocly():
    if not os.path.exists(REDOCLY):
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error",
                        "--prefix", NPM_DIR, "@redocly/cli@" + REDOCLY_VERSION],
                       check=True, capture_output=True, timeout=600)
    return REDOCLY


def worker_routes():
    """The worker's API routes (figures-fcgi --routes): {OpenAPI path: {parameter: required}}.
    The public HTML pages (/, /places/{code}, /figures/{id}: "page") are for people, not the
    API: tests/e2e/test_pages.py checks them."""
    p = subprocess.run([os.path.join(harness.BIN, "figures-fcgi"), "--routes"],
                       capture_output=True, text=True, timeout=30, check=True)
    return {r["path"]: {q["name"]: q["required"] for q in r["parameters"]}
            for r in json.loads(p.stdout) if not r["page"]}


class OpenApi(ServiceTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        r = cls.svc.get("/v1/openapi.json")
        cls.raw, cls.etag = r.body, r.header("etag")
        cls.spec = json.loads(r.body)

    def test_served_with_validators(self):
        self.assertEqual(self.spec["openapi"], "3.1.0")
        self.assertEqual(self.svc.get("/v1/openapi.json", {"If-None-Match": self.etag}).status, 304)

    def test_a_real_validator_accepts_it(self):
        redocly = install_redocly()
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as f:
            f.write(self.raw)
        try:
            p = subprocess.run([redocly, "lint", "--config",
                                os.path.join(harness.ROOT, "tests", "openapi", "redocly.yaml"), f.name],
                               capture_output=True, text=True, timeout=300)
        finally:
            os.unlink(f.name)
        self.assertEqual(p.returncode, 0, p.stdout[-3000:] + p.stderr[-2000:])
        self.assertIn("Your API description is valid", p.stdout + p.stderr)

    def test_every_route_served_is_described_and_vice_versa(self):
        described = set(self.spec["paths"])
        served = set(worker_routes())
        self.assertEqual(served - described, set(), "served but not described")
        self.assertEqual(described - served, set(), "described but not served")
        for path in described:
            r = self.svc.get(path.replace("{id}", "2") +
                             ("?url=http%3A%2F%2F127.0.0.1%2Fv1%2Ffigures%2F2" if "oembed" in path else
                              "?metric=escaped&location=ain-issa-camp" if "embed/summary" in path else ""),
                             {"Host": "127.0.0.1"} if "oembed" in path else None)
            self.assertIn(str(r.status), self.spec["paths"][path]["get"]["responses"], path)

    def test_every_route_takes_exactly_the_parameters_described(self):
        for path, item in self.spec["paths"].items():
            with self.subTest(path=path):
                params, described = [], []
                for p in item["get"]["parameters"]:
                    if "$ref" in p:
                        p = self.spec["components"]["parameters"][p["$ref"].split("/")[-1]]
                    if p["in"] == "query":
                        params.append(p["name"])
                        described.append(p)
                self.assertEqual({p["name"]: p.get("required", False) for p in described},
                                 worker_routes()[path], "parameters and their required flags")
                # (a card's errors are HTML cards, unless JSON is asked for)
                r = self.svc.get(path.replace("{id}", "2") + "?zz_undocumented=1",
                                 {"Accept": "application/json"})
                e = r.json()["error"]
                self.assertEqual((r.status, e["parameter"]), (400, "zz_undocumented"))
                accepted = e["message"].split("accepts: ", 1)[1]
                accepted = [] if accepted == "no parameters" else accepted.split(", ")
                self.assertEqual(sorted(accepted), sorted(params))


if __name__ == "__main__":
    unittest.main()
