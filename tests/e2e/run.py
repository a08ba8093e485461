#!/usr/bin/env python3
"""Runs the end-to-end tests: python3 tests/e2e/run.py [--bin BUILD_DIR] [pattern]"""
import argparse
import os
import sys
import unittest

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--bin", default=os.path.join(os.path.dirname(os.path.dirname(here)), "build"))
ap.add_argument("--exclude", default="", help="skip test files whose name contains this")
ap.add_argument("pattern", nargs="?", default="test_*.py")
args = ap.parse_args()
os.environ["FIGURES_BIN"] = os.path.abspath(args.bin)
sys.path.insert(0, here)
suite = unittest.TestSuite()
for name in sorted(os.listdir(here)):
    if not (name.startswith("test_") and name.endswith(".py")):
        continue
    if args.exclude and args.exclude in name:
        continue
    suite.addTests(unittest.defaultTestLoader.discover(here, pattern=name, top_level_dir=here))
if args.pattern != "test_*.py":
    suite = unittest.defaultTestLoader.discover(here, pattern=args.pattern, top_level_dir=here)
result = unittest.TextTestRunner(verbosity=2).run(suite)
sys.exit(0 if result.wasSuccessful() else 1)
