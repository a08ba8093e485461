"""The README's first command: scripts/serve starts everything on the embedded
default data, answers on 127.0.0.1:$PORT, and stops every process on SIGTERM."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.request

from harness import ROOT, _die_with_parent, free_port


def children(pid):
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    kids = [int(x) for x in out.split()]
    return kids + [g for k in kids for g in children(k)]


class Serve(unittest.TestCase):
    def test_serve_answers_and_stops_cleanly(self):
        tmp = tempfile.mkdtemp(prefix="figures-serve-")
        port = free_port()
        env = dict(os.environ, PORT=str(port), FIGURES_DB=os.path.join(tmp, "f.db"),
                   FIGURES_WORKERS="2")
        log = open(os.path.join(tmp, "serve.log"), "w+")
        p = subprocess.Popen([os.path.join(ROOT, "scripts", "serve")], env=env, stdout=log,
                             stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        try:
            url = "http://127.0.0.1:%d/v1/figures?metric=escaped" % port
            body = None
            for _ in range(600):
                try:
                    body = urllib.request.urlopen(url, timeout=2).read().decode()
                    break
                except OSError:
                    self.assertIsNone(p.poll(), "serve exited early")
                    time.sleep(0.2)
            self.assertIsNotNone(body, "serve never answered")
            self.assertIn('"value":100', body)
            self.assertIn('"value":800', body)
            for _ in range(100):
                log.seek(0)
                if "Ctrl-C stops it" in log.read():
                    break
                time.sleep(0.1)
            log.seek(0)
            self.assertIn("curl '", log.read(), "serve prints example requests")
            procs = children(p.pid)
            self.assertGreaterEqual(len(procs), 3, "worker supervisor, workers and nginx")
            p.send_signal(signal.SIGTERM)
            self.assertEqual(p.wait(timeout=30), 0)
            time.sleep(0.5)
            alive = [pid for pid in procs if os.path.exists("/proc/%d" % pid)
                     and "zombie" not in open("/proc/%d/status" % pid).read()]
            self.assertEqual(alive, [], "serve must stop every process it started")
            # A second start on the same database does not duplicate the data.
            p = subprocess.Popen([os.path.join(ROOT, "scripts", "serve")], env=env, stdout=log,
                                 stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
            for _ in range(600):
                try:
                    body = urllib.request.urlopen(url.replace("?metric=escaped", ""), timeout=2).read()
                    break
                except OSError:
                    time.sleep(0.2)
            self.assertIn(b'"total":10', body)
        finally:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    unittest.main()
