"""The microcache's directories on tmpfs (scripts/nginx-conf) outlive a
scripts/serve killed with SIGKILL: nothing runs `nginx-conf --clean`. The next
rendering removes the leftovers of ours whose owner is gone (the process that
rendered them, and the nginx of their prefix), and never one in use: an owner
alive, an nginx still serving from it after its serve was killed, a directory
rendered before owners were recorded, or one not named like ours.

Each test works in a directory of its own given as FIGURES_CACHE_DIR, never in
/dev/shm, where other services' directories live."""
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from harness import ROOT, _die_with_parent, free_port

NGINX_CONF = os.path.join(ROOT, "scripts", "nginx-conf")


class Leftovers(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="figures-leftovers-")
        os.chmod(self.tmp, 0o755)
        self.shm = os.path.join(self.tmp, "shm")
        os.mkdir(self.shm)
        self.env = dict(os.environ, FIGURES_CACHE_DIR=self.shm)
        self.env.pop("FIGURES_CACHE_OWNER", None)
        self.procs = []

    def tearDown(self):
        for p in self.procs:
            if p.poll() is None:
                # SIGTERM first: an nginx master killed outright leaves its workers behind
                p.terminate()
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
            p.wait(timeout=10)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def render(self, name, then="true"):
        """Renders a prefix from a shell that runs `then` afterwards (its pid is
        the rendering's owner): returns (prefix, conf, cache directory)."""
        prefix = os.path.join(self.tmp, name)
        sock = os.path.join(self.tmp, name + ".sock")
        script = 'conf=$("$0" "$1" "127.0.0.1:$2" "$3" 0 1) && echo "$conf" && ' + then
        p = subprocess.Popen(["bash", "-c", script, NGINX_CONF, prefix, str(free_port()), sock],
                             env=self.env, stdout=subprocess.PIPE, text=True,
                             preexec_fn=_die_with_parent)
        self.procs.append(p)
        conf = p.stdout.readline().strip()
        self.assertTrue(conf.endswith("nginx.conf"), conf)
        with open(os.path.join(prefix, "cache-dir")) as f:
            cache = f.read().strip()
        self.assertTrue(cache.startswith(self.shm + "/figures-cache."), cache)
        # what nginx leaves in it: its levels of directories and a file
        os.makedirs(os.path.join(cache, "a", "bc"))
        with open(os.path.join(cache, "a", "bc", "0123456789abcdef"), "w") as f:
            f.write("KEY: http127.0.0.1/v1/figures\n")
        return prefix, conf, cache, p

    def test_a_killed_services_cache_goes_and_live_ones_stay(self):
        # a serve killed with SIGKILL: the renderer gone, its nginx gone too
        _, _, dead, p = self.render("dead", "exec sleep 300")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        # the same, whose whole prefix was removed since (a test's temporary directory)
        prefix, _, gone, p = self.render("gone", "exec sleep 300")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        shutil.rmtree(prefix)
        # a renderer still running (a serve starting, or serving)
        _, _, alive, _ = self.render("alive", "exec sleep 300")
        # a serve killed with SIGKILL whose nginx still serves from the directory
        prefix, conf, served, p = self.render("served", "exec sleep 300")
        nginx = subprocess.Popen(["nginx", "-p", prefix, "-c", conf, "-e",
                                  os.path.join(prefix, "logs", "error.log")],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                 preexec_fn=_die_with_parent)
        self.procs.append(nginx)
        for _ in range(100):
            if os.path.exists(os.path.join(prefix, "nginx.pid")):
                break
            time.sleep(0.05)
        self.assertTrue(os.path.exists(os.path.join(prefix, "nginx.pid")), "nginx did not start")
        p.send_signal(signal.SIGKILL)
        p.wait(timeout=10)
        # not judged: rendered before owners were recorded, or not named like ours
        legacy = os.path.join(self.shm, "figures-cache.LeGaCy01")
        others = [os.path.join(self.shm, n) for n in ("figures-cache.short", "other-cache.AbCdEf12",
                                                      "figures-cache.AbCdEf12x")]
        for d in [legacy] + others:
            os.mkdir(d)

        # the next start renders its own
        _, _, fresh, _ = self.render("next")

        self.assertFalse(os.path.exists(dead), "a dead service's cache directory was left")
        self.assertFalse(os.path.exists(gone), "a removed prefix's cache directory was left")
        for d in (dead, gone):
            self.assertFalse(os.path.exists(d + ".owner"))
        for d in [alive, served, legacy, fresh] + others:
            self.assertTrue(os.path.isdir(d), "%s was removed while it may be in use" % d)
        self.assertTrue(os.path.exists(os.path.join(served, "a", "bc", "0123456789abcdef")))

    def test_clean_removes_the_owner_record_too(self):
        prefix, _, cache, _ = self.render("clean")
        subprocess.run([NGINX_CONF, "--clean", prefix], check=True, env=self.env)
        self.assertFalse(os.path.exists(cache))
        self.assertEqual(os.listdir(self.shm), [])


if __name__ == "__main__":
    unittest.main()
