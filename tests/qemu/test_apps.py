# SPDX-License-Identifier: BSD-2-Clause
"""Apps in ring 3 (docs/apps.md): exit status, isolation faults, system-call argument checking,
claims and memory an app holds at exit, reclaim under an app's movable memory, Ctrl-C, and the
two example apps memprobe and bigbuf on two machines (default: SP slower than DDR; hbm: SP
faster). Apps come from the image `make` builds: bigbuf, check and memprobe."""
import json
import re

import pytest

from spmk_qemu import SP_NODE1, TWO_NODES, fold_cached, interact, run_script


def boot(script, topo=None, timeout=240):
    if topo:
        return run_script(script, topo=topo, timeout=timeout)
    return run_script(script, args=TWO_NODES, sp_ranges=SP_NODE1, timeout=timeout)


def mem_lines(out):
    return [fold_cached(l) for l in out.splitlines() if l.startswith(("node ", "all ", "accounting"))]


def test_list_and_exit_status():
    r = boot("app list; app run check exit 0; app run check exit 3; app run nosuch; echo alive")
    listing = r.command_output("app list")
    for name in ("bigbuf", "check", "memprobe"):
        assert re.search(rf"^{name}\s+\d+ bytes\s+\d segments\s+\[0x400000-", listing, re.M), listing
    assert "app check: exit status 0" in r.command_output("app run check exit 0")
    three = r.command_output("app run check exit 3")
    assert "app check: exit status 3" in three and "app run: error: check exited with status 3" in three
    assert "app run: error: no app 'nosuch'" in r.command_output("app run nosuch")
    assert "alive" in r.command_output("echo alive")


def test_freed_addresses_are_reused_and_a_stale_one_faults():
    """40,000 claim-map-release cycles of the 1 GiB dax0.0 (the dax area holds 32,768 such
    mappings with their 1 GiB gaps in one pass) all map at the same address, 100 allocations
    and frees of 1 MiB likewise; then a read of the released mapping's address ends the app
    with a page-fault report, and nothing is left claimed or allocated."""
    cmd = "app run check reuse dax0.0 40000"
    r = boot(f"{cmd}; dax list -j; selftest", timeout=300)
    out = r.command_output(cmd)
    assert "check reuse: 40000 maps of dax0.0 at 0x200000000000, 0 elsewhere" in out, out
    assert "check reuse: 100 allocations at 0x100000000000, 0 elsewhere" in out, out
    assert ("app run: error: check ended: page fault at 0x200000000000 (read not mapped, user "
            "half)") in out, out
    assert '"mode":"devdax","state":"unclaimed"' in r.command_output("dax list -j")
    assert "selftest: ok" in r.output


# The app argument limits (include/spmk/args.h) and the shell's, derived from them
ARGS_MAX, ARGS_BYTES = 16, 1024
LINE_MAX = 8 + ARGS_BYTES + 2 * ARGS_MAX - 1  # characters of one command


def argv_words(nargs, nbytes):
    """nargs arguments after `check argv` whose strings (name included, NULs counted) take nbytes."""
    left = nbytes - len("check") - len("argv") - 2 - nargs
    return [("a%d" % i).ljust(left // nargs + (1 if i < left % nargs else 0), "x") for i in range(nargs)]


@pytest.mark.parametrize("case", ["at-limit", "too-many-bytes", "line-too-long"])
def test_shell_passes_every_argument_an_app_may_receive(case):
    """The shell's word and line limits are at least an app's: 16 arguments of 1024 bytes (the
    name and NULs included) reach the app; one argument or one byte more is refused with the
    numbers; a command longer than the shell's line is skipped with an error."""
    full = "app run check argv " + " ".join(argv_words(ARGS_MAX - 2, ARGS_BYTES))
    many = "app run check argv " + " ".join(argv_words(ARGS_MAX - 1, 200))
    over = "app run check argv " + " ".join(argv_words(ARGS_MAX - 2, ARGS_BYTES + 1))
    script = {"at-limit": f"{full}; {many}", "too-many-bytes": over,
              "line-too-long": "echo " + "y" * (LINE_MAX - 4)}[case]
    r = boot(script + "; echo alive")
    assert "alive" in r.command_output("echo alive")
    if case == "at-limit":
        assert len(full) <= LINE_MAX
        lens = " ".join(str(len(w)) for w in ["check", "argv"] + argv_words(ARGS_MAX - 2, ARGS_BYTES))
        assert f"check argv: 16 arguments, 1024 bytes: {lens}\n" in r.command_output(full)
        assert "app check: exit status 0" in r.command_output(full)
        assert "shell: more than 18 words" in r.command_output(many)
        assert "check argv:" not in r.command_output(many)
    elif case == "too-many-bytes":
        assert ("app run: 15 arguments of 1025 bytes (the name and NULs included): an app "
                "takes at most 15 arguments of 1024 bytes in all") in r.command_output(over)
        assert "check argv:" not in r.output
    else:
        assert f"shell: command longer than {LINE_MAX} bytes skipped" in r.output
        assert "yyyy" not in r.output.split("command longer")[1]


# scenario -> what the report must say (reason, address)
FAULTS = {
    "kernel": r"page fault at 0xffffffff80100000 \(read protection violation, kernel half\), RIP 0x4",
    "daxwin": r"page fault at 0xffffc00000000000 \(read not mapped, kernel half\), RIP 0x4",
    "unmapped": r"page fault at 0x7000000000 \(read not mapped, user half\), RIP 0x4",
    "guard": r"page fault at 0x7fffffebfff8 \(read not mapped, user half\)",
    "write-text": r"page fault at 0x40[0-9a-f]+ \(write protection violation, user half\)",
    "ud": r"invalid opcode \(exception 6, error 0x0\), RIP 0x4",
    "div": r"divide error \(exception 0, error 0x0\), RIP 0x4",
    "gp": r"general protection \(exception 13, error 0x0\), RIP 0x4",
}


def test_faults_end_the_app_and_the_owner_keeps_its_data():
    """Alice (a shell owner) holds dax0.0 with data; each faulting app ends with a report, the
    shell goes on, another app can neither claim alice's device nor guess a handle, and
    alice's bytes are intact; accounting is exact afterwards."""
    runs = "; ".join(f"app run check {s}" for s in FAULTS)
    r = boot("mem; dax claim dax0.0 alice; dax map dax0.0; dax write dax0.0 0 secret 16; "
             f"{runs}; app run check steal dax0.0; dax read dax0.0 0 16 --as alice; "
             "dax release dax0.0; mem; selftest")
    for scenario, report in FAULTS.items():
        out = r.command_output(f"app run check {scenario}")
        assert re.search(r"app run: error: check ended: " + report, out), (scenario, out)
    steal = r.command_output("app run check steal dax0.0")
    assert "check steal: 0 failures" in steal and "exit status 0" in steal, steal
    assert "|secretsecretsecr|" in r.command_output("dax read dax0.0 0 16 --as alice")
    outs = r.output.split("spmk> mem\n")
    assert mem_lines(outs[1].split("spmk>")[0]) == mem_lines(outs[2].split("spmk>")[0])
    assert "selftest: ok" in r.command_output("selftest")


def test_system_call_arguments_give_errors():
    """Bad pointers (kernel half, unmapped, read-only, NULL), wrapping and huge lengths, made-up
    handles, bad nodes, flags and numbers: every one an error value, never a fault."""
    r = boot("app run check args; selftest")
    out = r.command_output("app run check args")
    assert "check args: 0 failures" in out and "app check: exit status 0" in out, out
    assert "selftest: ok" in r.command_output("selftest")


def test_exit_with_claim_releases_and_scrubs():
    r = boot("mem; app run check claim dax0.0; dax list -j; mem; selftest; "
             "dax claim dax0.0 bob; dax map dax0.0; dax read dax0.0 0 64 --as bob")
    out = r.command_output("app run check claim dax0.0")
    assert "dax0.0 claimed" in out and "exit status 0" in out, out
    assert "app check: dax0.0 released at exit (unmapped, scrubbed)" in out, out
    devs = json.loads(r.command_output("dax list -j").strip().splitlines()[-1])
    d = devs["regions"][0]["devices"][0]
    assert d["state"] == "unclaimed" and d["mapped"] is False, d
    outs = r.output.split("spmk> mem\n")
    assert mem_lines(outs[1].split("spmk>")[0]) == mem_lines(outs[2].split("spmk>")[0])
    assert "selftest: ok" in r.command_output("selftest")
    dump = r.command_output("dax read dax0.0 0 64 --as bob")
    assert "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00" in dump and "41 42" not in dump, dump


def test_release_scrubs_what_the_app_wrote_through_its_own_mapping():
    """The app writes through its own page tables (not the kernel's dax window) and releases with
    the system call: its dirty leaves join the claim's written set, so the next owner reads zeros."""
    r = boot("app run check release dax0.0; dax claim dax0.0 bob; dax map dax0.0; "
             "dax read dax0.0 0 64 --as bob; dax read dax0.0 64M 64 --as bob; selftest")
    out = r.command_output("app run check release dax0.0")
    assert "check: dax0.0 written and released: ok" in out and "exit status 0" in out, out
    for off in ("0", "64M"):
        dump = r.command_output(f"dax read dax0.0 {off} 64 --as bob")
        assert "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00" in dump, dump
        assert "41 42" not in dump and "61 62" not in dump, dump
    assert "selftest: ok" in r.command_output("selftest")


def test_memory_a_node_cannot_hold_is_refused_without_filling_others():
    """memprobe asks each node for 2 GiB of movable memory there only (THISNODE): node 0 has
    1 GiB, node 1 none. Both are refused at once, not after filling other nodes' pages."""
    r = boot("mem; app run memprobe --size 2G; mem; selftest")
    out = r.command_output("app run memprobe --size 2G")
    assert "mem fill" not in out, out
    assert "app memprobe: exit status 0" in out, out
    outs = r.output.split("spmk> mem\n")
    assert mem_lines(outs[1].split("spmk>")[0]) == mem_lines(outs[2].split("spmk>")[0])
    assert "selftest: ok" in r.command_output("selftest")


def test_reclaim_moves_an_apps_movable_memory_intact():
    r = boot("mem; app run check movable dax0.0; dax list -j; mem objects; mem; selftest; "
             "app run check pin dax0.0; dax list -j; selftest")
    out = r.command_output("app run check movable dax0.0")
    assert re.search(r"4 MiB at 0x[0-9a-f]+ on node 1; reclaiming dax0.0", out), out
    assert "after reclaim the memory is on node 0, 0 words differ" in out, out
    assert "exit status 0" in out, out
    assert '"mode":"devdax"' in r.command_output("dax list -j")
    assert "no memory objects" in r.command_output("mem objects")
    outs = r.output.split("spmk> mem\n")
    assert mem_lines(outs[1].split("spmk>")[0]) == mem_lines(outs[2].split("spmk>")[0])
    assert "selftest: ok" in r.command_output("selftest")
    # a pinned page stops the reclaim (and the free); unpinned, the reclaim moves it
    pin = r.command_output("app run check pin dax0.0")
    assert "check pin: 0 failures; the page is on node 0 now" in pin and "exit status 0" in pin, pin
    assert r.output.rstrip().count("selftest: ok") == 2


def numa_json(r):
    return json.loads([l for l in r.command_output("numa -j").splitlines() if l.startswith("{")][0])


@pytest.mark.parametrize("topo", ["gi", "two-socket"])
def test_topology_calls_match_numa(topo):
    """What the topology system calls return is what `numa -j` and `numa -H` show: nodes, CPUs,
    memory, both access classes (gi: access0 != access1), caches, the full matrix, distances."""
    r = boot("numa -j; numa -H; app run check topo", topo=topo)
    doc = numa_json(r)
    mine = json.loads([l for l in r.command_output("app run check topo").splitlines()
                       if l.startswith("{")][0])
    assert mine["n_nodes"] == len(doc["nodes"]) and mine["hmat"] == 1
    perf_keys = ("read_latency", "write_latency", "read_bandwidth", "write_bandwidth")
    for n in doc["nodes"]:
        m = mine["nodes"][n["node"]]
        assert m["pxm"] == n["pxm"] and m["n_cpus"] == len(n.get("cpus", [])), (m, n)
        assert m["mem_bytes"] == sum(x["size"] for x in n.get("memory", [])), (m, n)
        for c in (0, 1):
            acc = n.get(f"access{c}")
            assert m[f"access{c}_valid"] == (acc is not None), (c, m, n)
            if acc:
                assert m[f"access{c}_initiator"] == acc["initiator"], (c, m, n)
                assert m[f"access{c}"] == {k: acc[k] for k in perf_keys}, (c, m, n)
        assert [(x["level"], x["size"], x["line_size"]) for x in m["caches"]] == \
            [(x["level"], x["size"], x["line_size"]) for x in n.get("caches", [])][:4], (m, n)
    cells = {(c["initiator"], c["target"]): c for c in doc["matrix"]}
    hw = r.command_output("numa -H")
    dist = {int(a): [int(x) for x in rest.split()]
            for a, rest in re.findall(r"^\s*(\d+):((?:\s+\d+)+)\s*$", hw, re.M)}
    assert len(dist) == len(doc["nodes"]), hw
    for p in mine["pairs"]:
        cell = cells.get((p["initiator"], p["target"]), {})
        assert p["perf"] == {k: cell.get(k, 0) for k in perf_keys}, (p, cell)
        assert p["distance"] == dist[p["initiator"]][p["target"]], (p, hw)
    if topo == "gi":
        assert any(m["access0_initiator"] != m["access1_initiator"] for m in mine["nodes"]
                   if m["access0_valid"]), mine


def test_ctrl_c_ends_an_app():
    """Ctrl-C is seen at a system call (spin) and at the timer tick in ring 3 (loop)."""
    r = interact([("spmk> ", b"app run check spin\r"), ("spinning until Ctrl-C", b"\x03"),
                  ("spmk> ", b"app run check loop\r"), ("without system calls until Ctrl-C", b"\x03"),
                  ("spmk> ", b"selftest\r")], args=TWO_NODES, sp_ranges=SP_NODE1)
    assert not r.timed_out, r.output[-3000:]
    assert r.output.count("app run: error: check stopped by Ctrl-C") == 2, r.output[-3000:]
    assert "selftest: ok" in r.output


# HMAT claims from CPU 0 (docs/machines.md): node -> (read MB/s, latency ns)
CLAIMS = {"default": {0: (10240, 10.0), 1: (4096, 30.0)},
          "hbm": {0: (10240, 10.0), 1: (40960, 15.0)}}
PROBE = "app run memprobe --size 1M --chase 1M --reps 1"


def better(a, b, metric, pct):
    if metric == "latency_ns":
        a, b = b, a
    return a * 100 > b * (100 + pct)


@pytest.mark.parametrize("topo", ["default", "hbm"])
def test_memprobe_table_and_json(topo):
    r = boot(f"{PROBE}; {PROBE} --json; mem; selftest", topo=topo)
    table = r.command_output(PROBE)
    assert "app memprobe: exit status 0" in table, table
    rows = {int(m.group(1)): m.group(2) for m in
            re.finditer(r"^(\d+)\s+(movable|unmovable|dax\d+\.\d+)\s+\d+", table, re.M)}
    assert rows == {0: "movable", 1: "dax0.0"}, table
    line = [l for l in r.command_output(PROBE + " --json").splitlines() if l.startswith("{")]
    doc = json.loads(line[0])
    nodes = {n["node"]: n for n in doc["nodes"]}
    assert set(nodes) == {0, 1}
    flags = 0
    for node, (bw, lat) in CLAIMS[topo].items():
        n = nodes[node]
        assert n["claimed"]["read_mbps"] == bw and n["claimed"]["latency_ns"] == lat, n
        for metric in ("read_mbps", "write_mbps", "latency_ns"):
            meas, claim = n["measured"][metric], n["claimed"][metric]
            assert meas > 0, n
            assert abs(n["ratio"][metric] - meas / claim) < 0.011, (metric, n)
            # the app flags on the ratio it prints, in rounded hundredths (0.4988 prints 0.50)
            off = n["ratio"][metric] > 2 or n["ratio"][metric] < 0.5
            assert (metric in n["flags"]) == off, (metric, n)
            flags += off
    want = set()
    for a in nodes.values():
        for b in nodes.values():
            for metric in ("read_mbps", "write_mbps", "latency_ns"):
                if a is b:
                    continue
                ca, cb = a["claimed"][metric], b["claimed"][metric]
                ma, mb = a["measured"][metric], b["measured"][metric]
                if better(ca, cb, metric, 10) and not better(ma, mb, metric, 5):
                    want.add((metric, a["node"], b["node"]))
    got = {(c["metric"], c["claimed_better"], c["than"]) for c in doc["contradictions"]}
    assert got == want, (got, want, doc)
    # the table flags what the JSON of its own (separate) run flagged: same rule, own figures
    assert re.search(r"memprobe: \d+ flags", table), table
    assert "selftest: ok" in r.command_output("selftest")


def test_bigbuf_claims_on_hbm_and_falls_back():
    r = boot("app run bigbuf --size 8M; dax claim dax0.0 alice; app run bigbuf --size 8M; "
             "dax release dax0.0; selftest", topo="hbm")
    first, second = r.output.split("spmk> app run bigbuf --size 8M\n")[1:3]
    assert "wanted on node 1, the highest bandwidth from node 0 (40960 MB/s claimed)" in first
    assert "claimed dax0.0 (1024 MiB, 1048576 KiB pages)" in first, first
    assert "0 words differ" in first and "released the device: ok" in first, first
    assert "no dax device free on node 1; fell back to movable memory" in second, second
    assert "0 words differ" in second and "freed the memory: ok" in second, second
    assert "selftest: ok" in r.command_output("selftest")


def test_bigbuf_on_default_uses_the_ddr_node():
    """On `default` DDR (node 0) is the fastest node and has no dax device: movable memory."""
    r = boot("app run bigbuf --size 8M")
    out = r.command_output("app run bigbuf --size 8M")
    assert "wanted on node 0, the highest bandwidth from node 0 (10240 MB/s claimed)" in out, out
    assert "fell back to movable memory" in out and "(on node 0)" in out, out
    assert "exit status 0" in out
