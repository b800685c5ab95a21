# SPDX-License-Identifier: BSD-2-Clause
"""Fault injection from the shell and `selftest stress` in the running kernel.

Default topology: node 0 = CPU + 1 GiB RAM, node 1 = 1 GiB SP at 4 GiB (device dax0.0)."""
import re

from spmk_qemu import SP_NODE1, TWO_NODES, fold_cached, run_script


def boot(script, timeout=180):
    return run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=timeout)


def section(r, name):
    """What the commands after `echo =NAME` printed, up to the next `echo =` marker."""
    marker = f"spmk> echo ={name}\n={name}\n"
    assert marker in r.output, f"no section {name}:\n" + r.output[-3000:]
    rest = r.output.split(marker, 1)[1]
    return rest.split("spmk> echo =", 1)[0]


def state(text):
    """The `mem` totals and `dax list -j` line of a section (what a refusal must not change)."""
    mem = [fold_cached(l) for l in text.splitlines() if re.match(r"^(node \d+ \w+|all)\s+total", l)]
    dax = [l for l in text.splitlines() if l.startswith('{"regions"')]
    assert mem and dax, text[-2000:]
    return mem, dax


def counters(text):
    """{point: (uses, injected, armed)} from the last `fault inject` listing in text."""
    res = {}
    for m in re.finditer(r"^(\w+)\s+uses (\d+) injected (\d+) armed (\d+) \(", text, re.M):
        res[m.group(1)] = tuple(int(x) for x in m.groups()[1:])
    return res


def test_fault_inject_command():
    r = boot("fault inject; fault inject pt 2; fault inject meta 1 after 3; fault inject migrate 0; fault inject; "
             "fault inject nope 1; fault inject pt many; fault inject pt 4294967296; "
             "fault inject reset; fault inject")
    first = r.command_output("fault inject")
    for p in ("pt", "kheap", "meta", "migrate", "page", "slot"):
        assert re.search(rf"^{p}\s", first, re.M), first
    assert "the next 2 use(s) of 'pt' fail" in r.output
    assert "after 3 use(s), the next 1 use(s) of 'meta' fail" in r.output
    armed = counters(r.output.split("spmk> fault inject migrate 0\n", 1)[1].split("spmk> fault inject nope")[0])
    assert armed["pt"][2] == 2 and armed["meta"][2] == 1 and armed["migrate"][2] == 0, armed
    assert "no failure point 'nope' (pt, kheap, meta, migrate, page, slot)" in r.output
    assert "fault inject: count 'many' is not a number" in r.output
    assert "fault inject: count '4294967296' is out of range 0..4294967295" in r.output
    after = counters(r.output.split("spmk> fault inject reset\n", 1)[1])
    assert all(c == (0, 0, 0) for c in after.values()), after


# Each case: the point armed for one use, the operation refused with `mem` and `dax list -j`
# exactly as before and every object intact, then the same operation succeeds; then what
# leads to the next case's starting state. Two boots (a command line holds 2047 bytes).
RECLAIM_CASES = [
    # (--memmap normal: by default a hand-off whose NORMAL metadata fails puts it on the device)
    ("handoff-meta", "meta", "dax reconfigure dax0.0 system-ram --memmap normal",
     "dax reconfigure: error: dax0.0 stays devdax",
     ["dax reconfigure dax0.0 devdax"]),
    ("handoff-pt", "pt", "dax reconfigure dax0.0 system-ram", "dax reconfigure: error: dax0.0 stays devdax", []),
    ("fill-page", "page", "mem fill A 700M node=1", "mem fill: error:", []),
    ("partial-migrate", "migrate 1 after 1", "dax reconfigure dax0.0 devdax --size 512M",
     "stays system-ram", ["mem check A"]),
    ("reclaim-migrate", "migrate", "dax reconfigure dax0.0 devdax", "stays system-ram", []),
]
DAX_CASES = [
    ("fill-pt", "pt", "mem fill B 4M", "mem fill: error:", ["dax destroy-device dax0.0"]),
    ("create-slot", "slot", "dax create-device 0 2M", "slots in use", ["dax claim dax0.0 alice"]),
    ("map-pt", "pt", "dax map dax0.0", "dax map: error:",
     ["dax write dax0.0 0 hello 16", "dax read dax0.0 0 16", "dax release dax0.0"]),
]


def run_cases(cases, final):
    script = []
    for name, point, op, _, then in cases:
        arm = point if " " in point else f"{point} 1"
        script += [f"echo ={name}-before", "mem", "dax list -j", f"fault inject {arm}", op,
                   f"echo ={name}-after", "fault inject", "mem", "dax list -j", "fault inject reset",
                   f"echo ={name}-again", op, "mem objects"] + then
    r = boot("; ".join(script + ["echo =end"] + final), timeout=300)
    for name, point, op, refusal, _ in cases:
        before, after = section(r, f"{name}-before"), section(r, f"{name}-after")
        point = point.split()[0]
        c = counters(after)
        assert c[point][1] == 1, f"{name}: {point} was not reached: {c}\n{before[-2000:]}"
        assert refusal in before, f"{name}: not refused:\n{before[-2000:]}"
        assert state(before) == state(after), f"{name}: refusal changed the state"
        again = section(r, f"{name}-again")
        assert refusal not in again and ": error:" not in again.split("spmk> mem objects")[0], again[-2000:]
    return r


def test_reclaim_refusals_under_injection_change_nothing():
    r = run_cases(RECLAIM_CASES, ["mem check A", "selftest"])
    assert "A: 179200 pages checked, 0 mismatches" in section(r, "partial-migrate-again")
    end = section(r, "end")
    assert "A: 179200 pages checked, 0 mismatches" in end, end
    assert "selftest: ok" in end, end


def test_dax_refusals_under_injection_change_nothing():
    r = run_cases(DAX_CASES, ["mem check B", "selftest"])
    end = section(r, "end")
    assert "B: 1024 pages checked, 0 mismatches" in end, end
    assert "selftest: ok" in end, end
    assert "hello" in section(r, "map-pt-again")


def test_stress_10000_steps():
    r = boot("dax list -j; selftest stress 10000 20261130; dax list -j; mem objects; selftest",
             timeout=900)
    out = r.output
    assert "stress: 10000 steps, seed 20261130: pass" in out, out[-4000:]
    m = re.search(r"stress: (\d+) operations done, (\d+) refusals \(state unchanged\), (\d+) failures "
                  r"injected, 0 faults, (\d+) ms", out)
    assert m, out[-3000:]
    done, refused, injected, ms = (int(x) for x in m.groups())
    assert done > 9000 and refused > 100 and injected > 100, m.group(0)
    print(f"selftest stress 10000: {ms} ms in the guest")
    lists = [l for l in out.splitlines() if l.startswith('{"regions"')]
    assert len(lists) == 2 and lists[0] == lists[1], "the dax layout was not put back"
    assert "no memory objects" in r.command_output("mem objects")
    assert "selftest: ok" in r.command_output("selftest")


def stress_cpus(n, steps=300, seed=16):
    """`selftest stress STEPS SEED all` on the default machine with n CPUs, its SP device cut
    into three small devices the CPUs contend for, with the per-CPU page caches on from the
    start (the kernel holds them back until CPUs contend); returns (run, the stress lines)."""
    r = run_script("mem caches on; dax destroy-device dax0.0; dax create-device 0 2M; dax create-device 0 2M; "
            f"dax create-device 0 4M; dax list -j; selftest stress {steps} {seed} all; dax list -j; "
            "mem objects; selftest", topo="default", smp=n, timeout=600)
    return r, r.command_output(f"selftest stress {steps} {seed} all")


def check_stress_cpus(n, steps=300, seed=16):
    r, out = stress_cpus(n, steps, seed)
    total = re.search(rf"^stress: {steps} steps on each of {n} CPUs \({steps * n} in all\), seed {seed}, "
                      rf"(\d+) barriers, (\d+) done, (\d+) refused: pass$", out, re.M)
    assert total, out[-3000:]
    barriers, done, refused = (int(x) for x in total.groups())
    assert barriers == -(-steps // 100), total.group(0)
    per = re.findall(r"^stress: cpu (\d+): (\d+) steps, (\d+) operations done, (\d+) refused \((\d+) claims",
                     out, re.M)
    assert [int(c[0]) for c in per] == list(range(n)), out
    assert all(int(c[1]) == steps and int(c[2]) > steps // 2 for c in per), per
    assert sum(int(c[2]) for c in per) == done and sum(int(c[3]) for c in per) == refused
    assert sum(int(c[4]) for c in per) > 0, "no claim met a device another CPU held: no contention"
    lists = [l for l in r.output.splitlines() if l.startswith('{"regions"')]
    assert len(lists) == 2 and lists[0] == lists[1], "the dax layout changed"
    assert "no memory objects" in r.command_output("mem objects")
    assert "selftest: ok" in r.command_output("selftest")
    print(re.search(r"^stress: \d+ ms, \d+ steps/s.*$", out, re.M).group(0))


def test_stress_on_2_cpus():
    check_stress_cpus(2)


def test_stress_on_4_cpus():
    check_stress_cpus(4)


def test_stress_cpus_refusals():
    """A bad CPUS is named with the CPUs online; a count of 1 runs the per-CPU engine on CPU 0."""
    r = boot("selftest stress 10 1 9; selftest stress 10 1 x; selftest stress 10 1 1")
    assert "selftest stress: CPUS '9' must be 'all' or 1..2 (CPUs online)" in r.output, r.output[-2000:]
    assert "selftest stress: CPUS 'x' must be 'all' or 1..2 (CPUs online)" in r.output
    assert "stress: 10 steps on each of 1 CPUs (10 in all), seed 1, 1 barriers" in r.output


def test_stress_a_cpu_that_stops_answering_is_waited_out():
    """CPU 2 of 3 leaves work calls unanswered (`fault stall 2 on`): the run on every CPU waits
    spmk.cpu_wait_ms=2000 at its first barrier and again for the call, then fails naming CPU 2
    and the time; CPUs 0 and 1 gave back everything (`mem` as before, `selftest` ok). The
    report leaves CPU 2's counts out. The next run (on every CPU, then on one) waits for the
    outstanding call once more and is refused; after `fault stall 2 off` CPU 2 answers late,
    returns at once from the abandoned run, and a new run passes."""
    run = "selftest stress 300 16 all"
    one = "selftest stress 50 3"
    r = run_script("dax destroy-device dax0.0; dax create-device 0 2M; dax create-device 0 2M; "
                   f"dax create-device 0 4M; mem; fault stall 2 on; cpus; {run}; {run}; {one}; mem; "
                   f"selftest; fault stall 2 off; cpus; {run}; mem objects; selftest",
                   cmdline_extra="spmk.cpu_wait_ms=2000", topo="default", smp=3, timeout=600)
    out = r.output
    assert "fault stall: cpu 2 leaves work calls unanswered" in out
    assert "stalled (fault stall: calls unanswered)" in r.command_output("cpus")
    chunks = out.split("spmk> ")[1:]  # each command's echo and output
    runs = [c[len(run) + 1:] for c in chunks if c.startswith(run + "\n")]
    assert len(runs) == 3, out[-3000:]
    first, second, last = runs
    assert re.search(r"stress: seed 16: cpu 2 did not reach barrier 1, nor step, within 2000 ms \(cpu [01] "
                     r"waited\): run abandoned, every CPU gives back what it holds", first), first
    assert ("work: cpu 2 did not return from its call within 2000 ms; the call stays outstanding "
            "until it does, and no other call or worker starts before") in first, first
    assert re.search(r"^stress: cpu 2: 0 steps when the run was abandoned; it has not returned, so its "
                     r"counts are left out$", first, re.M), first
    assert re.search(r"refused \(CPU 2 left out\): FAILED$", first, re.M), first
    assert ": FAILED" in first and "selftest stress: error" in first, first
    assert "work: cpu 2 has not returned from the previous call (waited 2000 ms more)" in second, second
    assert "selftest stress: error: a CPU has not returned from the last run" in second, second
    # a run on one CPU is refused too: it would count the world while CPU 2 may give pages back
    single = [c for c in chunks if c.startswith(one + "\n")]
    assert len(single) == 1 and "a CPU has not returned from the last run" in single[0], single
    # nothing lost while CPU 2 still holds the abandoned call
    mems = [[fold_cached(l) for l in c.splitlines()[1:]] for c in chunks if c.startswith("mem\n")]
    assert len(mems) == 2 and mems[0] == mems[1], mems
    assert r.output.count("selftest: ok") == 2
    assert "fault stall: cpu 2 answers work calls again" in out
    assert re.search(r"^stress: 300 steps on each of 3 CPUs \(900 in all\), seed 16, 3 barriers, "
                     r"\d+ done, \d+ refused: pass$", last, re.M), last[-3000:]
    assert "no memory objects" in r.command_output("mem objects")
