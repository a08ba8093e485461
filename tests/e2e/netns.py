"""Hosts on one machine: network namespaces of the test's own, joined by veth
pairs to a bridge in a "switch" namespace, on a private /24. Nothing is made
in the machine's own namespace (each veth is created straight into its
namespaces), nothing reaches outside, and delete() removes every namespace
(and with them their links), on failure too.

Names carry the process id (fig<pid>-<host>), so parallel runs never meet.
Code runs in a host's namespace as a process (popen/run: `ip netns exec`) or
in a thread of this process (in_host: setns() moves the calling thread only).
"""
import ctypes
import os
import shutil
import subprocess
import threading

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL("libc.so.6", use_errno=True)


def why_not():
    """None if namespaces can be made here, else the reason (for a skip)."""
    if os.geteuid() != 0:
        return "network namespaces need root (run the tests as root, as CI does)"
    if shutil.which("ip") is None:
        return "no `ip` command (Debian's iproute2)"
    name = "fig%d-probe" % os.getpid()
    p = subprocess.run(["ip", "netns", "add", name], capture_output=True, text=True)
    if p.returncode != 0:
        return "`ip netns add` fails here: %s" % p.stderr.strip()
    subprocess.run(["ip", "netns", "del", name], capture_output=True)
    return None


class Hosts:
    def __init__(self, hosts):
        """hosts: the hosts' names, each given the next address from .1 up."""
        pid = os.getpid()
        self.tag = "fig%d" % pid
        # 10.X.Y.0/24 from the pid: inside the namespaces nothing else exists,
        # and two runs at once get different subnets anyway.
        self.subnet = "10.%d.%d" % (200 + pid % 50, (pid // 50) % 250)
        self.switch = self.tag + "-sw"
        self.addr = {h: "%s.%d" % (self.subnet, i + 1) for i, h in enumerate(hosts)}
        self.made = []

    def ns(self, host):
        return "%s-%s" % (self.tag, host)

    def _ip(self, *args):
        p = subprocess.run(["ip", *args], capture_output=True, text=True)
        if p.returncode != 0:
            raise AssertionError("ip %s failed: %s" % (" ".join(args), p.stderr.strip()))

    def make(self):
        sweep()
        self._ip("netns", "add", self.switch)
        self.made.append(self.switch)
        self._ip("-n", self.switch, "link", "set", "lo", "up")
        self._ip("-n", self.switch, "link", "add", "br0", "type", "bridge")
        self._ip("-n", self.switch, "link", "set", "br0", "up")
        for host, addr in self.addr.items():
            ns = self.ns(host)
            self._ip("netns", "add", ns)
            self.made.append(ns)
            self._ip("-n", ns, "link", "set", "lo", "up")
            self._ip("link", "add", "eth0", "netns", ns, "type", "veth",
                     "peer", "name", host, "netns", self.switch)
            self._ip("-n", self.switch, "link", "set", "dev", host, "master", "br0", "up")
            self._ip("-n", ns, "addr", "add", addr + "/24", "dev", "eth0")
            self._ip("-n", ns, "link", "set", "eth0", "up")

    def link(self, host, up):
        """Cuts a host off the switch (its cable pulled), or plugs it back."""
        self._ip("-n", self.switch, "link", "set", "dev", host, "up" if up else "down")

    def delete(self):
        for ns in reversed(self.made):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        self.made = []

    def command(self, host, args):
        return ["ip", "netns", "exec", self.ns(host), *args]

    def in_host(self, host, fn, *args):
        """Runs fn(*args) in a thread moved into host's namespace; returns
        its result (or raises its exception)."""
        out = {}

        def run():
            try:
                enter(self.ns(host))
                out["value"] = fn(*args)
            except BaseException as e:   # handed to the caller
                out["error"] = e

        t = threading.Thread(target=run)
        t.start()
        t.join()
        if "error" in out:
            raise out["error"]
        return out["value"]


def sweep():
    """Deletes namespaces an earlier run left (killed before its cleanup):
    fig<pid>-* only, and only when process <pid> is gone."""
    names = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for line in names.splitlines():
        name = line.split()[0] if line.split() else ""
        tag = name.split("-")[0]
        if not (tag.startswith("fig") and tag[3:].isdigit() and "-" in name):
            continue
        if os.path.exists("/proc/%s" % tag[3:]):
            continue
        subprocess.run(["ip", "netns", "del", name], capture_output=True)


def enter(ns):
    """Moves the calling thread into the namespace ns."""
    fd = os.open("/run/netns/" + ns, os.O_RDONLY)
    try:
        if _libc.setns(fd, CLONE_NEWNET) != 0:
            e = ctypes.get_errno()
            raise OSError(e, "setns into %s: %s" % (ns, os.strerror(e)))
    finally:
        os.close(fd)
