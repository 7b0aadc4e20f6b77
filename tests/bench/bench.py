#!/usr/bin/env python3
"""bench.py — the driver of the runtime benchmark (run it through tests/bench/run.sh).

Runs ocirun, crun and runc (any subset) side by side on one busybox bundle, interleaved
round-robin so that the noise of a shared machine falls on every runtime alike, and reports
medians and ratios to crun:

  lifecycle   create, start, wait (the container's /bin/true exits), delete: sequential
  create/start/delete   the same iterations, each step alone; plus the floor (ocirun-floor)
  exec        `exec ID /bin/true` into a running container (n/a while a runtime refuses)
  rss         peak RSS of the runtime process during create (wait4 rusage ru_maxrss)
  memlimit    smallest linux.resources.memory.limit with which /bin/true still runs (bisect);
              n/a when the runtime did not create a memory cgroup with that limit
  statelist   `state` and `list` with 1, 100 and 1000 containers
  parallel    throughput of 2 parallel streams of full lifecycles
  leak        (--leak-check N) N lifecycles, then mounts, cgroups, state dirs, fds and processes
              left behind

Every command is spawned with posix_spawn and reaped with wait4: the time is CLOCK_MONOTONIC
from before the spawn to after the reap, the CPU time and ru_maxrss come from wait4.  The
driver makes itself a child subreaper (like conmon), so each container's init becomes its
child when the runtime exits and "wait" is a real waitpid with the container's exit status.
Results: a JSON file under tests/bench/results/ and a markdown table (stdout and latest.md).
"""
import argparse
import ctypes
import datetime
import json
import os
import platform
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
PAGE = os.sysconf("SC_PAGE_SIZE")
CMD_TIMEOUT = 30.0
MEM_HI = 64 << 20
ID_PREFIX = "ocb-"


class BenchError(Exception):
    pass


def now_ns():
    return time.monotonic_ns()


# ---- spawning --------------------------------------------------------------------------------

class Result:
    __slots__ = ("rc", "ns", "cpu_ns", "maxrss_kib", "err")

    def __init__(self, rc, ns, cpu_ns, maxrss_kib, err=""):
        self.rc, self.ns, self.cpu_ns, self.maxrss_kib, self.err = rc, ns, cpu_ns, maxrss_kib, err


def exit_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def wait_pid(pid, timeout):
    """Reap our child pid within timeout seconds; returns (status, rusage) or None."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return None
    try:
        p = select.poll()
        p.register(pidfd, select.POLLIN)
        if not p.poll(int(timeout * 1000)):
            return None
    finally:
        os.close(pidfd)
    _, status, ru = os.wait4(pid, 0)
    return status, ru


class Worker:
    """Runs commands for one thread through ocirun-bench-spawn (the stopwatch, see spawn.c):
    stdin/stdout on /dev/null, stderr in a scratch file, the result line in another."""

    spawn = None  # path of ocirun-bench-spawn, set by main()

    def __init__(self, tmpdir, name):
        flags = os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
        self.errfd = os.open(os.path.join(tmpdir, "stderr-" + name), flags, 0o600)
        self.resfd = os.open(os.path.join(tmpdir, "result-" + name), flags, 0o600)
        self.nullfd = os.open("/dev/null", os.O_RDWR | os.O_CLOEXEC)

    def close(self):
        for fd in (self.errfd, self.resfd, self.nullfd):
            os.close(fd)

    def run(self, argv, timeout=CMD_TIMEOUT):
        for fd in (self.errfd, self.resfd):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
        acts = [(os.POSIX_SPAWN_DUP2, self.nullfd, 0), (os.POSIX_SPAWN_DUP2, self.nullfd, 1),
                (os.POSIX_SPAWN_DUP2, self.errfd, 2), (os.POSIX_SPAWN_DUP2, self.resfd, 3)]
        pid = os.posix_spawn(self.spawn, [self.spawn] + argv, os.environ, file_actions=acts,
                             setpgroup=0)
        got = wait_pid(pid, timeout)
        if got is None:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.wait4(pid, 0)
            return Result(124, int(timeout * 1e9), 0, 0, "timed out after %.0f s" % timeout)
        os.lseek(self.resfd, 0, os.SEEK_SET)
        line = os.read(self.resfd, 200).decode().split()
        if exit_code(got[0]) != 0 or len(line) != 4:
            return Result(125, 0, 0, 0, "ocirun-bench-spawn failed: " + self.stderr_tail())
        rc, ns, cpu, rss = (int(x) for x in line)
        return Result(rc, ns, cpu, rss, self.stderr_tail() if rc != 0 else "")

    def stderr_tail(self):
        os.lseek(self.errfd, 0, os.SEEK_SET)
        lines = os.read(self.errfd, 8192).decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else ""


def reap_strays():
    """Reap orphans that were reparented to us (call only when nothing is in flight)."""
    while True:
        try:
            info = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG)
        except ChildProcessError:
            return
        if info is None:
            return


# ---- runtimes and bundles --------------------------------------------------------------------

class Runtime:
    def __init__(self, name, path, root, extra=()):
        self.name, self.path, self.root = name, path, root
        self.prefix = [path] + list(extra) + ["--root", root]
        self.version = ""
        self.counter = 0
        self.lock = threading.Lock()

    def cmd(self, *args):
        return self.prefix + list(args)

    def new_id(self, tag="c"):
        with self.lock:
            self.counter += 1
            return "%s%s-%s-%d" % (ID_PREFIX, self.name, tag, self.counter)


class Bundles:
    """Variants of one bundle: each its own dir whose config.json points at the shared rootfs."""

    def __init__(self, base, workdir):
        with open(os.path.join(base, "config.json")) as f:
            self.config = json.load(f)
        self.rootfs = os.path.join(base, self.config["root"]["path"])
        self.base, self.workdir, self.made = base, workdir, {}

    def get(self, name, args=None, mem_limit=None):
        if name in self.made:
            return self.made[name]
        cfg = json.loads(json.dumps(self.config))
        cfg["root"]["path"] = os.path.abspath(self.rootfs)
        if args:
            cfg["process"]["args"] = args
        if mem_limit is not None:
            cfg.setdefault("linux", {}).setdefault("resources", {})["memory"] = {"limit": mem_limit}
        d = os.path.join(self.workdir, "bundle-" + name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f)
        self.made[name] = d
        return d


# ---- container operations --------------------------------------------------------------------

class Ctx:
    def __init__(self, workdir, bundles):
        self.workdir, self.bundles = workdir, bundles


def create(w, rt, bundle, cid, ctx):
    pidfile = os.path.join(ctx.workdir, cid + ".pid")
    r = w.run(rt.cmd("create", "--bundle", bundle, "--pid-file", pidfile, cid))
    pid = None
    if r.rc == 0:
        try:
            with open(pidfile) as f:
                pid = int(f.read().strip())
            os.unlink(pidfile)
        except (OSError, ValueError) as e:
            r.rc, r.err = 1, "pid file: %s" % e
    return r, pid


def force_delete(w, rt, cid, pid=None):
    w.run(rt.cmd("delete", "--force", cid))
    if pid:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        wait_pid(pid, 5)


def lifecycle(w, rt, ctx, bundle=None, cid=None, keep=False):
    """create, start, wait, delete (delete left out with keep); returns a dict or raises.
    Each step is timed by the stopwatch; "wait" runs from the driver seeing start return to the
    container's exit being reaped, so it also holds the stopwatch's exit (a constant < 1 ms)."""
    cid = cid or rt.new_id()
    bundle = bundle or ctx.bundles.get("true")
    rc, pid = create(w, rt, bundle, cid, ctx)
    if rc.rc != 0:
        force_delete(w, rt, cid)
        raise BenchError("%s create: exit %d: %s" % (rt.name, rc.rc, rc.err))
    rs = w.run(rt.cmd("start", cid))
    if rs.rc != 0:
        force_delete(w, rt, cid, pid)
        raise BenchError("%s start: exit %d: %s" % (rt.name, rs.rc, rs.err))
    t1 = now_ns()
    got = wait_pid(pid, CMD_TIMEOUT)
    t2 = now_ns()
    if got is None or exit_code(got[0]) != 0:
        force_delete(w, rt, cid, pid)
        what = "did not exit" if got is None else "exit status %d" % exit_code(got[0])
        raise BenchError("%s: the container's /bin/true %s" % (rt.name, what))
    out = {"create": rc.ns, "start": rs.ns, "wait": t2 - t1, "maxrss_kib": rc.maxrss_kib,
           "cpu": rc.cpu_ns + rs.cpu_ns, "id": cid}
    if keep:
        return out
    rd = w.run(rt.cmd("delete", cid))
    if rd.rc != 0:
        force_delete(w, rt, cid)
        raise BenchError("%s delete: exit %d: %s" % (rt.name, rd.rc, rd.err))
    out["delete"] = rd.ns
    out["cpu"] += rd.cpu_ns
    out["total"] = rc.ns + rs.ns + out["wait"] + rd.ns
    return out


def floor_once(w, floor, ctx):
    r = w.run([floor, os.path.abspath(ctx.bundles.rootfs)])
    if r.rc != 0:
        raise BenchError("floor: exit %d: %s" % (r.rc, r.err))
    return {"total": r.ns, "cpu": r.cpu_ns, "maxrss_kib": r.maxrss_kib}


def start_sleeper(w, rt, ctx, tag="sleep"):
    cid = rt.new_id(tag)
    bundle = ctx.bundles.get("sleep", args=["/bin/sleep", "100000"])
    r, pid = create(w, rt, bundle, cid, ctx)
    if r.rc != 0:
        force_delete(w, rt, cid)
        raise BenchError("%s create (sleeper): exit %d: %s" % (rt.name, r.rc, r.err))
    rs = w.run(rt.cmd("start", cid))
    if rs.rc != 0:
        force_delete(w, rt, cid, pid)
        raise BenchError("%s start (sleeper): exit %d: %s" % (rt.name, rs.rc, rs.err))
    return cid, pid


# ---- statistics ------------------------------------------------------------------------------

def summary(values):
    if not values:
        return None
    v = sorted(values)

    def pct(p):
        return v[min(len(v) - 1, int(p * (len(v) - 1) + 0.5))]
    return {"n": len(v), "median": statistics.median(v), "p10": pct(0.1), "p90": pct(0.9),
            "min": v[0], "max": v[-1]}


def rotated(items, i):
    k = i % len(items)
    return items[k:] + items[:k]


# ---- sections --------------------------------------------------------------------------------

class Bench:
    def __init__(self, args, runtimes, floor, ctx, log):
        self.args, self.rts, self.floor, self.ctx, self.log = args, runtimes, floor, ctx, log
        self.w = Worker(ctx.workdir, "main")
        self.results = {}
        self.failed = {}  # runtime -> first error; a failing runtime leaves the section

    def note_failure(self, section, rt, e):
        self.log("  %s: %s failed: %s" % (section, rt, e))
        self.results.setdefault("errors", []).append({"section": section, "runtime": rt,
                                                       "error": str(e)})

    def sec_lifecycle(self, n, warmup):
        names = [rt.name for rt in self.rts] + (["floor"] if self.floor else [])
        samples = {k: [] for k in names}
        fails = {k: 0 for k in names}
        for i in range(-warmup, n):
            for name in rotated(names, i):
                if fails[name] >= 5:
                    continue
                try:
                    if name == "floor":
                        s = floor_once(self.w, self.floor, self.ctx)
                    else:
                        s = lifecycle(self.w, self.rt(name), self.ctx)
                except BenchError as e:
                    # a hung runtime (a timeout) leaves the section at once
                    fails[name] += 5 if "timed out" in str(e) else 1
                    if fails[name] <= 5:
                        self.note_failure("lifecycle", name, e)
                    continue
                if i >= 0:
                    samples[name].append(s)
            reap_strays()
            if i >= 0 and (i + 1) % max(1, n // 4) == 0:
                self.log("  lifecycle %d/%d" % (i + 1, n))
        out = {}
        for name, ss in samples.items():
            out[name] = {k: summary([s[k] for s in ss if k in s])
                         for k in ("total", "create", "start", "wait", "delete", "cpu",
                                   "maxrss_kib")}
            out[name]["failures"] = fails[name]
        self.results["lifecycle"] = out

    def rt(self, name):
        return next(r for r in self.rts if r.name == name)

    def sec_exec(self, n):
        running, out = {}, {}
        try:
            for rt in self.rts:
                try:
                    cid, pid = start_sleeper(self.w, rt, self.ctx)
                except BenchError as e:
                    out[rt.name] = {"na": str(e)}
                    continue
                running[rt.name] = (cid, pid)
                probe = self.w.run(rt.cmd("exec", cid, "/bin/true"))
                if probe.rc != 0:
                    out[rt.name] = {"na": "exec: exit %d: %s" % (probe.rc, probe.err)}
            live = [rt for rt in self.rts if rt.name not in out]
            samples = {rt.name: [] for rt in live}
            for i in range(n):
                for rt in rotated(live, i):
                    r = self.w.run(rt.cmd("exec", running[rt.name][0], "/bin/true"))
                    if r.rc == 0:
                        samples[rt.name].append(r)
                    elif not out.get(rt.name):
                        self.note_failure("exec", rt.name, "exit %d: %s" % (r.rc, r.err))
            for name, ss in samples.items():
                out[name] = {"time": summary([r.ns for r in ss]),
                             "cpu": summary([r.cpu_ns for r in ss]),
                             "maxrss_kib": summary([r.maxrss_kib for r in ss])}
        finally:
            for name, (cid, pid) in running.items():
                force_delete(self.w, self.rt(name), cid, pid)
            reap_strays()
        self.results["exec"] = out

    # -- memory limit --

    def mem_cgroup_limit(self, pid):
        """(cgroup dir, limit) of pid's memory cgroup as the host sees it, or (None, reason)."""
        try:
            with open("/proc/%d/cgroup" % pid) as f:
                lines = [ln.rstrip("\n").split(":", 2) for ln in f]
        except OSError as e:
            return None, "read /proc/%d/cgroup: %s" % (pid, e)
        v1 = [p for _, ctl, p in lines if "memory" in ctl.split(",")]
        if v1:
            d, fname = os.path.join(cgroup_mount("memory"), v1[0].lstrip("/")), "memory.limit_in_bytes"
        else:
            v2 = [p for h, ctl, p in lines if h == "0" and ctl == ""]
            if not v2:
                return None, "no memory cgroup"
            d, fname = os.path.join(cgroup_mount(None), v2[0].lstrip("/")), "memory.max"
        try:
            with open(os.path.join(d, fname)) as f:
                return d, f.read().strip()
        except OSError as e:
            return None, "read %s: %s" % (os.path.join(d, fname), e.strerror)

    def mem_enforced(self, rt, limit):
        cid = rt.new_id("memchk")
        bundle = self.ctx.bundles.get("mem-%d" % limit, mem_limit=limit)
        r, pid = create(self.w, rt, bundle, cid, self.ctx)
        if r.rc != 0:
            force_delete(self.w, rt, cid)
            return False, "create with a %d MiB limit failed: %s" % (limit >> 20, r.err)
        try:
            d, val = self.mem_cgroup_limit(pid)
            own_d, _ = self.mem_cgroup_limit(os.getpid())
            if d is None:
                return False, val
            if d == own_d:
                return False, "the container stays in the runtime caller's memory cgroup"
            if val != str(limit):
                return False, "memory cgroup %s has limit %s, not %d" % (d, val, limit)
            return True, d
        finally:
            force_delete(self.w, rt, cid, pid)

    def mem_ok(self, rt, limit):
        bundle = self.ctx.bundles.get("mem-%d" % limit, mem_limit=limit)
        try:
            lifecycle(self.w, rt, self.ctx, bundle=bundle)
            return True
        except BenchError:
            return False
        finally:
            reap_strays()

    def sec_memlimit(self, resolution):
        out = {}
        for rt in self.rts:
            ok, detail = self.mem_enforced(rt, MEM_HI)
            if not ok:
                out[rt.name] = {"na": "limit not enforced: " + detail}
                self.log("  memlimit %s: n/a (%s)" % (rt.name, detail))
                continue
            if not self.mem_ok(rt, MEM_HI):
                out[rt.name] = {"na": "/bin/true fails even with %d MiB" % (MEM_HI >> 20)}
                continue
            lo, hi, probes = 0, MEM_HI, 0
            while hi - lo > resolution:
                mid = (lo + hi) // 2 // PAGE * PAGE
                probes += 1
                if self.mem_ok(rt, mid):
                    hi = mid
                else:
                    lo = mid
            out[rt.name] = {"min_limit": hi, "max_failing": lo, "resolution": resolution,
                            "probes": probes, "cgroup_example": detail}
            self.log("  memlimit %s: %d KiB" % (rt.name, hi >> 10))
        self.results["memlimit"] = out

    # -- state and list --

    def sec_statelist(self, levels, m):
        out = {rt.name: {"state": {}, "list": {}} for rt in self.rts}
        kept = {rt.name: [] for rt in self.rts}
        live = list(self.rts)
        targets = {}
        try:
            for rt in list(live):
                try:
                    targets[rt.name] = start_sleeper(self.w, rt, self.ctx, "target")
                except BenchError as e:
                    self.note_failure("statelist", rt.name, e)
                    live.remove(rt)
            for level in levels:
                for rt in list(live):
                    try:
                        while len(kept[rt.name]) + 1 < level:
                            kept[rt.name].append(lifecycle(self.w, rt, self.ctx, keep=True)["id"])
                    except BenchError as e:
                        self.note_failure("statelist", rt.name, e)
                        live.remove(rt)
                    reap_strays()
                self.log("  statelist: %d containers each" % level)
                self.measure_statelist(live, targets, level, m, out)
        finally:
            for rt in self.rts:
                for cid in kept[rt.name]:
                    r = self.w.run(rt.cmd("delete", cid))
                    if r.rc != 0:
                        force_delete(self.w, rt, cid)
                if rt.name in targets:
                    force_delete(self.w, rt, *targets[rt.name])
            reap_strays()
        self.results["statelist"] = out

    def measure_statelist(self, live, targets, level, m, out):
        st = {rt.name: [] for rt in live}
        ls = {rt.name: [] for rt in live}
        for i in range(m):
            for rt in rotated(live, i):
                r = self.w.run(rt.cmd("state", targets[rt.name][0]))
                if r.rc == 0:
                    st[rt.name].append(r.ns)
                r = self.w.run(rt.cmd("list"))
                if r.rc == 0:
                    ls[rt.name].append(r.ns)
        for rt in live:
            out[rt.name]["state"][str(level)] = summary(st[rt.name])
            out[rt.name]["list"][str(level)] = summary(ls[rt.name])

    # -- parallel streams --

    def sec_parallel(self, rounds, per_stream, streams=2):
        tput = {rt.name: [] for rt in self.rts}
        errors = {}
        for i in range(rounds):
            for rt in rotated(self.rts, i):
                if rt.name in errors:
                    continue
                t = self.parallel_round(rt, per_stream, streams, errors)
                if t is not None:
                    tput[rt.name].append(t)
            reap_strays()
        out = {}
        for rt in self.rts:
            out[rt.name] = {"lifecycles_per_s": summary(tput[rt.name]), "streams": streams,
                            "per_stream": per_stream}
            if rt.name in errors:
                out[rt.name]["error"] = errors[rt.name]
                self.note_failure("parallel", rt.name, errors[rt.name])
        self.results["parallel"] = out

    def parallel_round(self, rt, per_stream, streams, errors):
        def stream(k):
            w = Worker(self.ctx.workdir, "%s-%d" % (rt.name, k))
            try:
                for _ in range(per_stream):
                    lifecycle(w, rt, self.ctx)
            except BenchError as e:
                errors.setdefault(rt.name, str(e))
            finally:
                w.close()
        threads = [threading.Thread(target=stream, args=(k,)) for k in range(streams)]
        t0 = now_ns()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        dt = (now_ns() - t0) / 1e9
        return None if rt.name in errors else streams * per_stream / dt

    # -- leaks --

    def sec_leak(self, n):
        out = {}
        for rt in self.rts:
            before = snapshot(rt, self.ctx)
            fails = 0
            for i in range(n):
                try:
                    lifecycle(self.w, rt, self.ctx)
                except BenchError as e:
                    fails += 1
                    if fails == 1:
                        self.note_failure("leak", rt.name, e)
                if (i + 1) % 100 == 0:
                    reap_strays()
            reap_strays()
            time.sleep(0.5)  # let asynchronous teardown (netns, cgroup release) settle
            after = snapshot(rt, self.ctx)
            delta = {k: after[k] - before[k] for k in before}
            leaks = {k: v for k, v in delta.items() if k in LEAK_KEYS and v != 0}
            out[rt.name] = {"lifecycles": n, "failures": fails, "before": before, "after": after,
                            "delta": delta, "leaks": leaks, "pass": not leaks and fails == 0}
            self.log("  leak %s: %s" % (rt.name, "none" if not leaks else leaks))
        self.results["leak"] = out


LEAK_KEYS = ("our_mounts", "our_cgroups", "state_entries", "children", "driver_fds")


def cgroup_mount(controller):
    """Mount point of a v1 controller's hierarchy, or of cgroup2 when controller is None."""
    with open("/proc/self/mountinfo") as f:
        for ln in f:
            left, right = ln.split(" - ", 1)
            fstype, _, opts = right.split()[:3]
            mnt = left.split()[4]
            if controller is None and fstype == "cgroup2":
                return mnt
            if controller and fstype == "cgroup" and controller in opts.split(","):
                return mnt
    return "/sys/fs/cgroup"


def count_cgroups_named(prefix):
    n = 0
    for top in sorted(set(ln.split(" - ", 1)[0].split()[4] for ln in open("/proc/self/mountinfo")
                          if " - cgroup" in ln)):
        for dirpath, dirnames, _ in os.walk(top):
            n += sum(1 for d in dirnames if d.startswith(prefix))
    return n


def snapshot(rt, ctx):
    mounts = open("/proc/self/mountinfo").read().splitlines()
    mypid = str(os.getpid())
    children = 0
    for p in os.listdir("/proc"):
        if p.isdigit():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if f.read().rsplit(")", 1)[1].split()[1] == mypid:
                        children += 1
            except OSError:
                pass
    with open("/proc/sys/fs/file-nr") as f:
        file_nr = int(f.read().split()[0])
    return {
        "our_mounts": sum(1 for m in mounts if ctx.workdir in m or ID_PREFIX in m),
        "all_mounts": len(mounts),
        "our_cgroups": count_cgroups_named(ID_PREFIX),
        "state_entries": len(os.listdir(rt.root)) if os.path.isdir(rt.root) else 0,
        "children": children,
        "driver_fds": len(os.listdir("/proc/self/fd")),
        "system_open_files": file_nr,
    }


# ---- report ----------------------------------------------------------------------------------

def ms(ns):
    return "%.2f" % (ns / 1e6)


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "–"
    return "%.2fx" % (a / b)


def med(d, *path):
    for k in path:
        if not isinstance(d, dict) or d.get(k) is None:
            return None
        d = d[k]
    return d


def make_rows(res, names):
    """[(label, {runtime: (number or None, text)}), ...]"""
    rows = []
    lc = res.get("lifecycle", {})

    def row(label, getter, fmt):
        vals = {}
        for n in names + ["floor"]:
            v = getter(n)
            if isinstance(v, str):
                vals[n] = (None, v)
            elif v is not None:
                vals[n] = (v, fmt(v))
        rows.append((label, vals))
    if lc:
        for key, label in (("total", "lifecycle: create+start+wait+delete (ms)"),
                           ("create", "create (ms)"), ("start", "start (ms)"),
                           ("delete", "delete (ms)"),
                           ("cpu", "lifecycle CPU, user+sys of the runtime (ms)")):
            row(label, lambda n, k=key: med(lc, n, k, "median"), ms)
    if "exec" in res:
        row("exec /bin/true into a running container (ms)",
            lambda n: "n/a" if med(res["exec"], n, "na") else med(res["exec"], n, "time", "median"),
            ms)
    if lc:
        row("peak RSS of create (KiB)", lambda n: med(lc, n, "maxrss_kib", "median"),
            lambda v: "%d" % v)
    if "memlimit" in res:
        row("min memory.limit for /bin/true (KiB)",
            lambda n: "n/a" if med(res["memlimit"], n, "na") else
            (None if med(res["memlimit"], n, "min_limit") is None
             else res["memlimit"][n]["min_limit"] / 1024), lambda v: "%d" % v)
    sl = res.get("statelist", {})
    levels = sorted({int(k) for n in sl for k in sl[n]["state"]})
    for what in ("state", "list"):
        for lv in levels:
            row("%s, %d container%s (ms)" % (what, lv, "s" if lv > 1 else ""),
                lambda n, w=what, l=lv: med(sl, n, w, str(l), "median"), ms)
    for key in LEAK_KEYS + ("all_mounts", "system_open_files"):
        if "leak" in res:
            note = "" if key in LEAK_KEYS else ", whole system: informational"
            row("leak check: %s after - before%s" % (key, note),
                lambda n, k=key: med(res["leak"], n, "delta", k), lambda v: "%+d" % v)
    if "parallel" in res:
        row("2 parallel streams (lifecycles/s)",
            lambda n: med(res["parallel"], n, "lifecycles_per_s", "median"), lambda v: "%.1f" % v)
    return rows


def table(res, names):
    cols = names + (["floor"] if "floor" in res.get("lifecycle", {}) else [])
    others = [n for n in names if n != "crun"]
    has_crun = "crun" in names
    head = ["metric"] + cols + (["%s/crun" % n for n in others] if has_crun else [])
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] + ["---:"] * (len(head) - 1)) + "|"]
    for label, vals in make_rows(res, names):
        if not vals:
            continue
        cells = [label] + [vals.get(n, (None, "–"))[1] for n in cols]
        if has_crun and label.startswith("leak check"):
            cells += ["–"] * len(others)  # a ratio of deltas means nothing
        elif has_crun:
            base = vals.get("crun", (None, ""))[0]
            cells += [ratio(vals.get(n, (None, ""))[0], base) for n in others]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def targets(res, names):
    """The issue's targets for ocirun, judged from this run (text lines)."""
    if "ocirun" not in names or "crun" not in names:
        return leak_verdicts(res, names)
    out = []

    def judge(label, a, b, factor, fmt=ms, lower=True):
        if a is None or b is None:
            why = "ocirun n/a" if a is None else "crun n/a"
            out.append("- %s: not measured (%s)" % (label, why))
            return
        ok = a <= b * factor if lower else a >= b * factor
        out.append("- %s: %s (ocirun %s, crun %s, %.2fx)" % (label, "PASS" if ok else "FAIL",
                                                              fmt(a), fmt(b), a / b))
    lc = res.get("lifecycle", {})
    if lc:
        judge("lifecycle median <= 0.8x crun", med(lc, "ocirun", "total", "median"),
              med(lc, "crun", "total", "median"), 0.8)
    if "exec" in res:
        judge("exec median <= 0.8x crun", med(res["exec"], "ocirun", "time", "median"),
              med(res["exec"], "crun", "time", "median"), 0.8)
    if lc:
        judge("peak RSS of create <= crun", med(lc, "ocirun", "maxrss_kib", "median"),
              med(lc, "crun", "maxrss_kib", "median"), 1.0, fmt=lambda v: "%d KiB" % v)
    if "memlimit" in res:
        judge("minimum memory limit <= crun", med(res["memlimit"], "ocirun", "min_limit"),
              med(res["memlimit"], "crun", "min_limit"), 1.0,
              fmt=lambda v: "%d KiB" % (v >> 10))
    sl = res.get("statelist", {}).get("ocirun")
    if sl and sl["state"]:
        lv = sorted(int(k) for k in sl["state"])
        s0, s1 = med(sl, "state", str(lv[0]), "median"), med(sl, "state", str(lv[-1]), "median")
        if s0 and s1:
            out.append("- state independent of the number of containers (<= 1.25x from %d to %d):"
                       " %s (%s ms -> %s ms, %.2fx)" % (lv[0], lv[-1],
                                                       "PASS" if s1 <= 1.25 * s0 else "FAIL",
                                                       ms(s0), ms(s1), s1 / s0))
        slopes = {}
        for n in ("ocirun", "crun"):
            l0 = med(res["statelist"], n, "list", str(lv[0]), "median")
            l1 = med(res["statelist"], n, "list", str(lv[-1]), "median")
            if l0 and l1 and lv[-1] > lv[0]:
                slopes[n] = (l1 - l0) / (lv[-1] - lv[0])
        if len(slopes) == 2:
            out.append("- list linear with a small constant (per-container cost <= crun's): %s "
                       "(ocirun %.1f us/container, crun %.1f us/container)" % (
                           "PASS" if slopes["ocirun"] <= slopes["crun"] else "FAIL",
                           slopes["ocirun"] / 1e3, slopes["crun"] / 1e3))
    return out + leak_verdicts(res, names)


def leak_verdicts(res, names):
    out = []
    for n in names:
        lk = res.get("leak", {}).get(n)
        if not lk:
            continue
        out.append("- %s: no per-container leak after %d lifecycles: %s%s" % (
            n, lk["lifecycles"], "PASS" if lk["pass"] else "FAIL",
            "" if lk["pass"] else " %s" % (lk["leaks"] or "%d failures" % lk["failures"])))
    return out


# ---- main ------------------------------------------------------------------------------------

def host_info():
    cpu = ""
    try:
        for ln in open("/proc/cpuinfo"):
            if ln.startswith("model name"):
                cpu = ln.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    for ln in open("/proc/meminfo"):
        if ln.startswith("MemTotal:"):
            mem = int(ln.split()[1]) >> 20
    layout = "v2" if os.path.exists("/sys/fs/cgroup/cgroup.controllers") else (
        "v1 hybrid" if os.path.ismount("/sys/fs/cgroup/unified") else "v1")
    return {"hostname": socket.gethostname(), "kernel": platform.release(), "cpu": cpu,
            "ncpu": os.cpu_count(), "mem_gib": mem, "cgroups": layout,
            "loadavg": open("/proc/loadavg").read().split()[:3]}


def runtime_version(path):
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10)
        return out.stdout.strip().splitlines()[0] if out.stdout.strip() else ""
    except (OSError, subprocess.TimeoutExpired):
        return ""


def parse_args(argv):
    p = argparse.ArgumentParser(description="ocirun/crun/runc benchmark (see run.sh)")
    p.add_argument("--bundle", required=True, help="bundle whose process is /bin/true")
    p.add_argument("--workdir", required=True, help="scratch dir (state roots, bundles)")
    p.add_argument("--ocirun", required=True)
    p.add_argument("--floor", help="ocirun-floor binary (leave out to skip the floor)")
    p.add_argument("--spawn", required=True, help="ocirun-bench-spawn binary")
    p.add_argument("--runtimes", default="ocirun,crun,runc")
    p.add_argument("--quick", action="store_true", help="~1 minute smoke run")
    p.add_argument("-n", type=int, help="lifecycles per runtime (default 200, quick 30)")
    p.add_argument("--sections", default="lifecycle,exec,memlimit,statelist,parallel")
    p.add_argument("--levels", help="container counts for state/list (default 1,100,1000)")
    p.add_argument("--leak-check", type=int, metavar="N", help="only the leak check, N lifecycles")
    p.add_argument("--results", required=True, help="results dir")
    return p.parse_args(argv)


def make_runtimes(a):
    rts = []
    for name in a.runtimes.split(","):
        name = name.strip()
        root = os.path.join(a.workdir, "root-" + name)
        os.makedirs(root, exist_ok=True)
        if name == "ocirun":
            rt = Runtime(name, os.path.abspath(a.ocirun), root)
        elif name == "crun":
            rt = Runtime(name, shutil.which("crun") or "crun", root, ["--cgroup-manager=cgroupfs"])
        elif name == "runc":
            rt = Runtime(name, shutil.which("runc") or "runc", root)
        else:
            raise SystemExit("bench: unknown runtime \"%s\" (ocirun, crun, runc)" % name)
        if not os.access(rt.path, os.X_OK):
            raise SystemExit("bench: %s not found (contrib/deps-bench.sh installs it)" % name)
        rt.version = runtime_version(rt.path)
        rts.append(rt)
    return rts


def run_sections(b, a):
    q = a.quick
    n = a.n or (30 if q else 200)
    secs = a.sections.split(",")
    levels = [int(x) for x in (a.levels or ("1,100" if q else "1,100,1000")).split(",")]
    plan = [
        ("lifecycle", lambda: b.sec_lifecycle(n, 3)),
        ("exec", lambda: b.sec_exec(max(10, n // 2))),
        ("memlimit", lambda: b.sec_memlimit((256 << 10) if q else (16 << 10))),
        ("statelist", lambda: b.sec_statelist(levels, 10 if q else 30)),
        ("parallel", lambda: b.sec_parallel(3 if q else 5, 5 if q else 20)),
    ]
    if a.leak_check:
        plan = [("leak", lambda: b.sec_leak(a.leak_check))]
        secs = ["leak"]
    for name, fn in plan:
        if name in secs:
            t = time.monotonic()
            b.log("%s ..." % name)
            fn()
            b.results.setdefault("section_seconds", {})[name] = round(time.monotonic() - t, 1)


def main(argv):
    a = parse_args(argv)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        raise SystemExit("bench: prctl(PR_SET_CHILD_SUBREAPER) failed")
    Worker.spawn = os.path.abspath(a.spawn)
    rts = make_runtimes(a)
    ctx = Ctx(os.path.abspath(a.workdir), Bundles(os.path.abspath(a.bundle), a.workdir))
    ctx.bundles.made["true"] = os.path.abspath(a.bundle)

    def log(msg):
        print(msg, file=sys.stderr, flush=True)
    b = Bench(a, rts, os.path.abspath(a.floor) if a.floor else None, ctx, log)
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.monotonic()
    try:
        run_sections(b, a)
    finally:
        b.w.close()
    names = [rt.name for rt in rts]
    doc = {"date": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "host": host_info(),
           "mode": "leak-check" if a.leak_check else ("quick" if a.quick else "full"),
           "command": " ".join(["tests/bench/run.sh"] + (["--quick"] if a.quick else [])),
           "seconds": round(time.monotonic() - t0, 1),
           "runtimes": {rt.name: {"path": rt.path, "version": rt.version} for rt in rts},
           "units": "times in ns, rss in KiB, memory limits in bytes", "results": b.results}
    text = "\n".join([
        "Benchmark %s, %s mode, %s (%s, %d CPUs, %s, kernel %s), %.0f s" % (
            doc["date"], doc["mode"], doc["host"]["hostname"], doc["host"]["cpu"],
            doc["host"]["ncpu"], doc["host"]["cgroups"], doc["host"]["kernel"], doc["seconds"]),
        "Runtimes: " + "; ".join("%s (%s)" % (rt.name, rt.version) for rt in rts), "",
        table(b.results, names), ""] + targets(b.results, names))
    doc["table"] = text
    os.makedirs(a.results, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = os.path.join(a.results, "bench-%s-%s.json" % (stamp, doc["mode"]))
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    latest = "latest-leak" if a.leak_check else "latest"
    shutil.copyfile(path, os.path.join(a.results, latest + ".json"))
    with open(os.path.join(a.results, latest + ".md"), "w") as f:
        f.write(text + "\n")
    print(text)
    for e in b.results.get("errors", []):
        print("error: %s %s: %s" % (e["section"], e["runtime"], e["error"]))
    print("\nresults: %s" % path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
