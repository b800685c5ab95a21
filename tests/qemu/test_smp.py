# SPDX-License-Identifier: BSD-2-Clause
"""Every CPU (docs/smp.md): bring-up with 1, 2, 4 and 8 CPUs, a CPU that does not start,
workers writing an object on every CPU while it is handed off, moved and reclaimed, TLB
shootdown rounds, and the commands' bad input.

Default machine with SMP=N CPUs: node 0 = the CPUs + 1 GiB RAM, node 1 = 1 GiB SP at 4 GiB."""
import os
import re

import pytest

from spmk_qemu import run_script

# Rounds of the worker test; `SPMK_SMP_ROUNDS=1000 pytest-3 tests/qemu/test_smp.py -k rounds`
# is the long run (docs/smp.md gives its figures).
ROUNDS = int(os.environ.get("SPMK_SMP_ROUNDS", "150"))


def boot(script, smp, cmdline_extra="", timeout=240):
    return run_script(script, cmdline_extra=cmdline_extra, topo="default", smp=smp, timeout=timeout)


def cpu_rows(text):
    """{cpu: (apic, madt, node, state, ticks, shootdowns, role)} from a `cpus` table."""
    rows = {}
    for m in re.finditer(r"^(\d+)\s+(\d+)\s+(\w+)\s+(\S+)\s+(\w+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(.*)$", text, re.M):
        rows[int(m.group(1))] = (int(m.group(2)), m.group(3), m.group(4), m.group(5), int(m.group(6)),
                                 int(m.group(7)), m.group(9).strip())
    return rows


def workers(text):
    """(ops, errors, waits) of the `workers:` line of `mem work stop`."""
    m = re.search(r"workers: \d+ stopped, (\d+) ops, (\d+) errors \(lost writes\), (\d+) migration waits", text)
    assert m, text[-3000:]
    return tuple(int(x) for x in m.groups())


@pytest.mark.parametrize("n", [1, 2, 4, 8])
def test_boot_cpus(n):
    """Every CPU of the MADT comes up on node 0 (SRAT) and takes timer interrupts."""
    r = boot("cpus; mem fill A 32M; cpus", n)
    assert f"smp: {n} of {n} CPUs online (xAPIC" in r.output, r.output[-3000:]
    first = cpu_rows(r.command_output("cpus"))
    assert sorted(first) == list(range(n)), first
    for cpu, (apic, madt, node, st, _, _, role) in first.items():
        assert (apic, madt, node, st) == (cpu, "lapic", "0", "online"), first
        assert role == ("boot, shell" if cpu == 0 else "idle"), first
    later = cpu_rows(r.output.split("spmk> mem fill A 32M\n", 1)[1])
    assert all(later[c][4] > first[c][4] for c in later), (first, later)  # the LAPIC timer runs
    assert f"cpus: {n} online of {n} listed in the MADT, 0 left out; xAPIC" in r.output


def test_cpu_that_does_not_start():
    """A CPU that never answers is reported, left out and not used; maxcpus= leaves CPUs
    disabled. Nothing waits for them."""
    r = boot("cpus; mem fill A 4M; mem work A all; mem work A 1", 2, "spmk.smp_nostart=1")
    assert "smp: cpu 1 (APIC id 1) did not come up within 2000 ms; left out" in r.output, r.output[-3000:]
    assert "smp: 1 of 2 CPUs online" in r.output
    rows = cpu_rows(r.command_output("cpus"))
    assert rows[1][3] == "failed" and rows[0][3] == "online", rows
    assert "no CPU but the shell's is online" in r.command_output("mem work A all")
    assert "cpu 1 is not online" in r.command_output("mem work A 1")
    r = boot("cpus", 4, "maxcpus=2")
    rows = cpu_rows(r.command_output("cpus"))
    assert [rows[c][3] for c in range(4)] == ["online", "online", "disabled", "disabled"], rows
    assert "cpus: 2 online of 4 listed in the MADT, 2 left out" in r.output
    r = boot("cpus", 2, "maxcpus=0")
    assert "cmdline: maxcpus=0 ignored: a number of CPUs, at least 1" in r.output
    assert "smp: 2 of 2 CPUs online" in r.output


def test_workers_reclaim_rounds():
    """The guarantee under concurrency: workers on every CPU but the shell's write the object
    while it is handed off, moved onto the SP node and reclaimed, ROUNDS times, then partly
    reclaimed; no write is lost, the object is intact, every invariant holds. Pages in flight
    made workers wait (the race really happened) and every round shot TLBs down."""
    r = boot("dax destroy-device dax0.0; dax create-device 0 8M; mem fill A 2M; mem work A all; cpus; "
             f"bench rounds dax0.0 {ROUNDS} A; "
             "dax reconfigure dax0.0 system-ram; mem move A node=1; dax reconfigure dax0.0 devdax --size 4M; "
             "mem move A node=1; dax reconfigure dax0.0 devdax; "
             "mem work stop; mem check A; cpus; selftest", 4, timeout=60 + ROUNDS)
    rows = cpu_rows(r.command_output("cpus"))
    assert [rows[c][6] for c in (1, 2, 3)] == ["worker A 0/3", "worker A 1/3", "worker A 2/3"], rows
    rounds = r.command_output(f"bench rounds dax0.0 {ROUNDS} A")
    m = re.search(r"rounds: (\d+) hand-off/move/reclaim rounds ok, (\d+) pages moved onto node 1 and (\d+) back, "
                  r"(\d+) shootdown rounds in reclaims, (\d+) worker ops", rounds)
    assert m, rounds
    assert int(m.group(1)) == ROUNDS and int(m.group(2)) == int(m.group(3)) == ROUNDS * 512, rounds
    # each reclaim: one round for its batch of 512 pages (the workers' CPUs hold the window)
    # and one for the direct-map removal
    assert int(m.group(4)) >= 2 * ROUNDS and int(m.group(5)) > 0, rounds
    part = r.command_output("dax reconfigure dax0.0 devdax --size 4M")
    assert "reclaimed" in part and "error" not in part, part
    stop = r.command_output("mem work stop")
    ops, errors, waits = workers(stop)
    assert errors == 0 and ops > 0 and waits > 0, stop
    assert "A: 512 pages checked, 0 mismatches" in r.command_output("mem check A")
    after = cpu_rows(r.output.split("spmk> mem check A\n", 1)[1])
    assert all(after[c][5] >= 2 * ROUNDS for c in (1, 2, 3)), after  # every CPU served the rounds
    assert "selftest: ok" in r.command_output("selftest"), r.command_output("selftest")


def test_freeing_or_restarting_refused_while_workers_run():
    r = boot("mem fill A 1M; mem fill U 1M unmovable; mem work A all; mem work A all; mem free A; "
             "mem work U all; mem work stop; mem work stop; mem free A", 2)
    assert r.output.count("workers already run; 'mem work stop' first") == 1, r.output[-3000:]
    assert "workers run on 'A'; 'mem work stop' first" in r.output
    assert "'U' is unmovable: workers run on movable objects" in r.command_output("mem work U all")
    assert "no worker runs" in r.output
    assert "A: 256 pages freed" in r.output


@pytest.mark.parametrize("cmd,msg", [
    ("mem work A 0", "cpu 0 runs the shell; workers go on other CPUs"),
    ("mem work A 5", "cpu 5 is not online (see 'cpus')"),
    ("mem work A 1-x", "bad range in CPUS '1-x'"),
    ("mem work A 2-1", "bad range in CPUS '2-1'"),
    ("mem work A 1.5", "bad CPUS '1.5'"),
    ("mem work A x", "bad CPUS 'x' (all, N, N-M, or a comma list)"),
    ("mem work B all", "no object 'B' (see 'mem objects')"),
    ("mem work A", "missing"),
    ("mem work A all extra", "unexpected 'extra'"),
    ("mem move A node=99", "node"),
    ("mem move A 1", "expected node=N, not '1'"),
    ("bench rounds dax0.9 1 A", "no device 'dax0.9'"),
    ("bench rounds dax0.0 1 B", "no movable object 'B'"),
    ("cpus x", "unexpected 'x'"),
    ("mem caches off", "unexpected 'off'"),
    ("mem caches on now", "unexpected 'now'"),
    ("bench smp dax0.0 x 1", "size"),
    ("bench smp dax0.9 4M 1", "no device 'dax0.9'"),
    ("bench smp dax0.0 0 1", "size"),
])
def test_bad_input(cmd, msg):
    r = boot(f"mem fill A 1M; {cmd}; mem check A", 2)
    out = r.command_output(cmd)
    assert msg in out, out
    assert "A: 256 pages checked, 0 mismatches" in r.output


def test_migration_rounds_only_to_window_cpus():
    """Migration's flush sends its shootdown round only to CPUs that may hold translations of
    object windows (kernel/khotplug.h). Reclaim moves 1024 pages (two batches of 512) and
    removes the device's direct map (one round to every CPU): with no worker it sends that one
    round only; with a worker writing the object on CPU 1, one more per batch, and no write is
    lost; after `mem work stop` the CPU has left the set and a reclaim is back to one round."""
    cycle = "dax reconfigure dax0.0 system-ram; mem fill A 4M node=1; "
    reclaim = "cpus; dax reconfigure dax0.0 devdax; cpus; "
    r = boot("dax destroy-device dax0.0; dax create-device 0 8M; "
             + cycle + reclaim + "mem free A; "
             + cycle + "mem work A 1; " + reclaim + "mem work stop; mem check A; mem free A; "
             + cycle + reclaim + "mem check A; selftest", 2)
    rounds = [int(x) for x in re.findall(r"^cpus: .*; shootdown rounds (\d+)$", r.output, re.M)]
    assert len(rounds) == 6, r.output[-3000:]
    assert rounds[1] - rounds[0] == 1, (rounds, r.output[-4000:])  # the direct map only
    assert rounds[3] - rounds[2] == 3, (rounds, r.output[-4000:])  # + one per batch
    assert rounds[5] - rounds[4] == 1, (rounds, r.output[-4000:])
    assert len(re.findall(r"pages reclaimed to devdax, 1024 migrated", r.output)) == 3, r.output[-4000:]
    assert workers(r.command_output("mem work stop"))[1] == 0
    assert r.output.count("A: 1024 pages checked, 0 mismatches") == 2, r.output[-3000:]
    assert "selftest: ok" in r.output


def test_bench_smp_figures_and_refusal():
    """bench smp prints its figures with 0 lost writes; an object larger than the device is
    refused at the move, the device taken back, nothing left behind."""
    r = boot("dax destroy-device dax0.0; dax create-device 0 4M; bench smp dax0.0 2M 2; "
             "bench smp dax0.0 8M 1; mem objects; dax list", 2)
    out = r.command_output("bench smp dax0.0 2M 2")
    figs = dict(re.findall(r"^smp\.(\w+) (\d+)", out, re.M))
    assert figs["workers"] == "1" and figs["reclaim_moved_pages"] == "512", out
    assert figs["rounds"] == "2" and figs["lost_writes"] == "0" and figs["damaged_pages_after"] == "0", out
    assert int(figs["reclaim_shootdown_rounds"]) >= 1, out
    assert "bench smp: error: move: out of memory, reclaim: ok" in r.command_output("bench smp dax0.0 8M 1")
    assert "no memory objects" in r.command_output("mem objects")
    assert '"mode":"devdax"' in r.command_output("dax list")


@pytest.mark.parametrize("n", [1, 2])
def test_page_caches_held_back_then_on_and_counted(n):
    # the kernel holds its per-CPU page caches back until CPUs contend for the allocator lock
    # (one CPU alone is faster without them); `mem caches on` turns them on: freed order-0
    # pages then wait in the CPU's cache, `mem` counts them apart from free, and the accounting
    # and selftest stay exact
    r = boot("mem caches; mem fill A 8M; mem free A; mem; mem caches on; mem caches; "
             "mem fill B 8M; mem free B; mem; selftest", smp=n)
    outs = r.command_outputs("mem caches")
    assert "page caches: held back until CPUs contend for the allocator lock (then orders 0-0)" \
        in outs[0], outs
    assert "page caches: on, orders 0-0" in outs[-1], outs
    before, after = r.command_outputs("mem")
    all_before = re.search(r"^all\s+total.*$", before, re.M)
    assert all_before and " cached " not in all_before.group(0), before  # nothing cached
    m = re.search(r"^all\s+total\s+(\d+) free\s+(\d+) isolated\s+(\d+) reserve\s+\d+ cached (\d+)", after, re.M)
    assert m, after
    assert 0 < int(m.group(4)) <= 4 * 64 * n, m.group(0)  # bounded: 4 slots of 64 pages per CPU
    assert re.search(r"accounting: .* cached \d+ \+ .*: exact", after), after
    assert "selftest: ok" in r.output, r.output[-3000:]
