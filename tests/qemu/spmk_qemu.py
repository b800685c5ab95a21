# SPDX-License-Identifier: BSD-2-Clause
"""Boots spmk in QEMU for the scenario tests and returns what the serial console printed.

Every run has its own copy of the disk image and its own fw_cfg files, a hard timeout, and
QEMU's isa-debug-exit device, so a hung or crashed kernel fails a test instead of stalling it.
"""
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, "build")
OVMF = "/usr/share/ovmf/OVMF.fd"
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][AB0-9]|\x1bc")



def machine(name="default", smp=None):
    """A named machine of tools/qemu-args.sh (docs/machines.md), as `make run TOPO=NAME` boots
    it: (QEMU arguments, SP ranges its firmware stage marks or None, kernel command line).
    smp: its number of CPUs (SMP=N; None: the script's default)."""
    env = dict(os.environ)
    env.pop("SMP", None)
    if smp is not None:
        env["SMP"] = str(smp)

    def qa(*argv):
        return subprocess.run(["bash", os.path.join(ROOT, "tools", "qemu-args.sh"), *argv],
                              check=True, capture_output=True, text=True, env=env).stdout
    words = [w for w in qa(name).split("\n") if w]
    args, sp = [], None
    for flag, value in zip(words[::2], words[1::2]):
        if flag == "-fw_cfg" and value.startswith("name=opt/spmk/sp-ranges,string="):
            sp = value.split("string=", 1)[1].replace(",,", ",")  # QEMU doubles commas
        else:
            args += [flag, value]
    return args, sp, qa("--cmdline", name).strip()


def machines():
    """The names of every machine, in tools/qemu-args.sh order."""
    out = subprocess.run(["bash", os.path.join(ROOT, "tools", "qemu-args.sh"), "--list"],
                         check=True, capture_output=True, text=True).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


# Node 0: CPU + 1 GiB; node 1: memory-only 1 GiB at 4 GiB, with HMAT figures and a cache.
TWO_NODES, SP_NODE1, _ = machine("default")


@dataclass
class Run:
    status: int          # QEMU's exit status (0: ACPI poweroff); None on timeout
    output: str          # serial console text, ANSI codes removed, CRs dropped
    timed_out: bool

    def after(self, marker):
        """The output after the first occurrence of marker (or '' when absent)."""
        i = self.output.find(marker)
        return self.output[i + len(marker):] if i >= 0 else ""

    def command_output(self, cmd):
        """What a spmk.run command printed: from its echoed prompt to the next prompt."""
        outs = self.command_outputs(cmd)
        return outs[0] if outs else ""

    def command_outputs(self, cmd):
        """What each run of a spmk.run command printed, in order (a command run twice)."""
        marker = "spmk> " + cmd + "\n"
        outs = []
        for piece in self.output.split(marker)[1:]:
            ends = [x for x in (piece.find("spmk> "), piece.find("spmk.run: done")) if x >= 0]
            outs.append(piece[:min(ends)] if ends else piece)
        return outs


# How boot() attaches the image: QEMU arguments for a raw image file, per bus.
BUSES = {
    "virtio": lambda f: ["-drive", f"if=virtio,format=raw,file={f}"],
    # q35's integrated AHCI controller (ICH9), a SATA disk on port 0.
    "ahci": lambda f: ["-drive", f"if=none,id=disk,format=raw,file={f}",
                       "-device", "ide-hd,drive=disk"],
    "usb": lambda f: ["-drive", f"if=none,id=disk,format=raw,file={f}",
                      "-device", "qemu-xhci", "-device", "usb-storage,drive=disk"],
}


def big_sp_node(gib):
    """QEMU arguments and the SP range for node 0 (CPU, 1 GiB) plus one memory-only node of
    gib GiB at 4 GiB (reserve=off: untouched guest memory costs the host nothing)."""
    args = ["-machine", "q35,hmat=on,max-ram-below-4g=1G", "-m", f"{gib + 1}G", "-smp", "1",
            "-object", "memory-backend-ram,id=m0,size=1G,reserve=off",
            "-object", f"memory-backend-ram,id=m1,size={gib}G,reserve=off",
            "-numa", "node,nodeid=0,memdev=m0,cpus=0,initiator=0",
            "-numa", "node,nodeid=1,memdev=m1,initiator=0"]
    for i, lat in ((0, 10), (1, 30)):
        args += ["-numa", f"hmat-lb,initiator=0,target={i},hierarchy=memory,"
                 f"data-type=access-latency,latency={lat}"]
    return args, f"{gib}G@4G"


def _write(tmp, name, text):
    """Writes text to the file name in the directory tmp; returns its path."""
    path = os.path.join(tmp, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def _qemu_argv(tmp, image, bus, cmdline, poweroff_on_loader_error, sp_ranges, files, args,
               memory):
    """The QEMU command line boot() and interact() share, its files written into tmp: a copy
    of image (None: build/spmk.img) on bus, the command line (None: no fw_cfg file, the loader
    falls back to cmdline.txt), the SP firmware stage when sp_ranges is given, every
    {name: text} of files as a fw_cfg file, q35 and 512 MiB unless args say otherwise."""
    disk = os.path.join(tmp, "spmk.img")
    shutil.copyfile(image or os.path.join(BUILD, "spmk.img"), disk)
    argv = ["qemu-system-x86_64", "-nodefaults", "-display", "none", "-no-reboot",
            "-bios", OVMF, *BUSES[bus](disk),
            "-serial", "stdio", "-monitor", "none",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
    if cmdline is not None:
        argv += ["-fw_cfg", f"name=opt/spmk/cmdline,file={_write(tmp, 'cmdline', cmdline)}"]
    if poweroff_on_loader_error:
        argv += ["-fw_cfg", "name=opt/spmk/poweroff-on-error,string=1"]
    if sp_ranges is not None:
        argv += ["-kernel", os.path.join(BUILD, "spfw.efi"),
                 "-fw_cfg", f"name=opt/spmk/sp-ranges,file={_write(tmp, 'sp-ranges', sp_ranges)}"]
    for i, (name, text) in enumerate(sorted(files.items())):
        argv += ["-fw_cfg", f"name={name},file={_write(tmp, f'fwcfg-{i}', text)}"]
    args = list(args)
    if "-machine" not in args:
        argv += ["-machine", "q35"]
    if "-m" not in args:
        argv += ["-m", memory or "512M"]
    return argv + args


def boot(cmdline="", args=(), sp_ranges=None, image=None, timeout=120, memory=None,
         poweroff_on_loader_error=True, memmap_append=None, fw_cfg=None, topo=None, smp=None,
         bus="virtio"):
    """Boots the image with cmdline (via fw_cfg) and extra QEMU args; returns a Run.

    sp_ranges: when given, boots through build/spfw.efi, which marks those ranges SP.
    memory: '-m' value when args do not give their own machine/memory.
    memmap_append: text for fw_cfg opt/spmk/test-memmap-append (lines `TYPE BASE PAGES ATTR`),
        descriptors the loader appends to the final memory map (docs/testing.md).
    fw_cfg: {name: text} of further fw_cfg files, e.g. {"opt/spmk/test-stale-map-key": "3"}.
    topo: a named machine (tools/qemu-args.sh): its QEMU arguments come first, its SP ranges
    are used unless sp_ranges is given, and its command line comes before cmdline.
    smp: the named machine's number of CPUs (SMP=N of tools/qemu-args.sh).
    image: the raw image to boot (a copy of it; default build/spmk.img), attached on bus
    (a key of BUSES: virtio, ahci or usb).
    """
    if topo is not None:
        targs, tsp, tcmd = machine(topo, smp)
        args = targs + list(args)
        sp_ranges = tsp if sp_ranges is None else sp_ranges
        if cmdline is not None:
            cmdline = f"{tcmd} {cmdline}".strip()
    tmp = tempfile.mkdtemp(prefix="spmk-qemu-")
    try:
        files = dict(fw_cfg or {})
        if memmap_append is not None:
            files["opt/spmk/test-memmap-append"] = memmap_append
        argv = _qemu_argv(tmp, image, bus, cmdline, poweroff_on_loader_error, sp_ranges, files,
                          args, memory)
        try:
            p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=timeout)
            raw, status, timed_out = p.stdout, p.returncode, False
        except subprocess.TimeoutExpired as e:
            raw, status, timed_out = e.stdout or b"", None, True
        text = ANSI.sub("", raw.decode("utf-8", "replace")).replace("\r", "")
        return Run(status, text, timed_out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_script(script, cmdline_extra="", **kw):
    """Boots with spmk.run="<script>; poweroff" (plus other options) and asserts a clean poweroff:
    QEMU exit status 0 and the kernel's `power: off` line after the script's last command. The
    status alone does not tell: under -no-reboot a reset (a triple fault, `reboot`) also ends
    QEMU with status 0, and the console then simply stops in the middle of a command."""
    r = boot(cmdline=f'{cmdline_extra} spmk.run="{script}; poweroff"'.strip(), **kw)
    assert not r.timed_out, "QEMU timed out; output:\n" + r.output[-4000:]
    assert r.status == 0, f"QEMU exit status {r.status}; output:\n" + r.output[-4000:]
    last = r.output.rfind("spmk> poweroff\n")
    assert last >= 0 and "power: off" in r.output[last:], (
        "the machine reset (a triple fault?) instead of powering off: no `power: off` after "
        "`spmk> poweroff`; output:\n" + r.output[-4000:])
    return r


def interact(steps, cmdline="", args=(), sp_ranges=None, timeout=240, memory=None):
    """Boots like boot(), then types into the serial console: steps is a list of
    (wait_for, data): wait until the output (after the previous step's point) contains wait_for,
    then send data (bytes, e.g. b"mem fill A 1G\\r" or b"\\x03"). Ends by typing poweroff.
    Returns a Run; a step that never comes fails the run with timed_out set."""
    import threading
    import time
    tmp = tempfile.mkdtemp(prefix="spmk-qemu-")
    try:
        argv = _qemu_argv(tmp, None, "virtio", cmdline, True, sp_ranges, {}, args, memory)
        p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
        chunks = []

        def reader():
            for b in iter(lambda: p.stdout.read1(4096), b""):
                chunks.append(b)

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        deadline = time.monotonic() + timeout
        pos, timed_out = 0, False
        for wait_for, data in list(steps) + [("spmk> ", b"poweroff\r")]:
            while True:
                text = b"".join(chunks).decode("utf-8", "replace")
                i = text.find(wait_for, pos)
                if i >= 0:
                    pos = i + len(wait_for)
                    break
                if p.poll() is not None or time.monotonic() > deadline:
                    timed_out = True
                    break
                time.sleep(0.05)
            if timed_out:
                break
            p.stdin.write(data)
            p.stdin.flush()
        try:
            status = p.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            status, timed_out = None, True
        t.join(timeout=5)
        raw = b"".join(chunks).decode("utf-8", "replace")
        return Run(status, raw, timed_out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def fold_cached(line):
    """A `mem` line (a node/zone or `all` line, or the accounting line) with the pages waiting
    in per-CPU page caches counted as free: which CPU's cache holds a free page is not state a
    refusal or a leak check compares (docs/locking.md). The blocks per cached order after the
    count go with it."""
    m = re.search(r" cached (\d+) \+", line) or \
        re.search(r" cached (\d+)(?: \(orders 0-3: [\d/]+ blocks\))?", line)
    cached = int(m.group(1)) if m else 0
    if m:
        line = line.replace(m.group(0), "", 1)
    return re.sub(r"free\s+(\d+)", lambda f: f"free {int(f.group(1)) + cached}", line, count=1)
