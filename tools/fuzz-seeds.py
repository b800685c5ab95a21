#!/usr/bin/python3
# SPDX-License-Identifier: BSD-2-Clause
"""Seed inputs for the fuzz targets, from good data: the ACPI fixtures (build/data/*.aml, made
by iasl from tests/data/*.asl) and what QEMU really gives spmk (tests/fuzz/seeds/qemu-default/:
the UEFI memory map and the SRAT, SLIT, HMAT, MADT, FACP and DSDT of `make run`'s topology).

  fuzz-seeds.py capture LOG       turns a serial log of `spmk.run="memmap; acpi dump SRAT;
                                  acpi dump SLIT; acpi dump HMAT; acpi dump APIC; acpi dump FACP;
                                  acpi dump DSDT"` into tests/fuzz/seeds/qemu-default/*.bin
  fuzz-seeds.py seeds OUTDIR      writes OUTDIR/TARGET/NAME for every target

The seeds are folded into tests/fuzz/corpus/ with libFuzzer -merge=1 (docs/testing.md); only
what adds coverage is kept."""
import os
import re
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QEMU = os.path.join(ROOT, "tests", "fuzz", "seeds", "qemu-default")
DATA = os.path.join(ROOT, "build", "data")

EFI_TYPES = ["Reserved", "LoaderCode", "LoaderData", "BootServicesCode", "BootServicesData",
             "RuntimeServicesCode", "RuntimeServicesData", "Conventional", "Unusable",
             "ACPIReclaim", "ACPIMemoryNVS", "MMIO", "MMIOPortSpace", "PalCode", "Persistent",
             "Unaccepted"]
SPMK_TYPES = {"spmk-kernel": 0x80000001, "spmk-pagetable": 0x80000002,
              "spmk-bootinfo": 0x80000003}
MEMMAP_LINE = re.compile(r"^\s*\d+ (\S+)\s+\[0x([0-9a-f]+)-0x([0-9a-f]+)\)\s+(\d+) pages attr 0x([0-9a-f]+)")
HEX_LINE = re.compile(r"^[0-9a-f]{8}  ((?:[0-9a-f]{2} {1,2})+)")


def capture(log):
    """Memory map descriptors (48 bytes each, as OVMF reports them) and table bytes."""
    os.makedirs(QEMU, exist_ok=True)
    desc, tables, cur = b"", {}, None
    for line in open(log, errors="replace"):
        line = line.rstrip("\n")
        m = MEMMAP_LINE.match(line)
        if m:
            name, base, _, pages, attr = m.groups()
            t = SPMK_TYPES.get(name, EFI_TYPES.index(name) if name in EFI_TYPES else None)
            if t is None:
                t = int(name, 16) if re.fullmatch(r"0x[0-9a-f]+", name) else 0
            desc += struct.pack("<IIQQQQ8x", t, 0, int(base, 16), 0, int(pages), int(attr, 16))
            continue
        m = re.match(r"^spmk> acpi dump (\w{4})$", line)
        if m:
            cur = m.group(1)
            tables[cur] = b""
            continue
        m = HEX_LINE.match(line)
        if cur and m:
            tables[cur] += bytes.fromhex(m.group(1).replace(" ", ""))
    with open(os.path.join(QEMU, "memmap.bin"), "wb") as f:
        f.write(desc)
    for sig, data in tables.items():
        with open(os.path.join(QEMU, sig.lower() + ".bin"), "wb") as f:
            f.write(data)
    print(f"capture: {len(desc) // 48} descriptors, tables {', '.join(sorted(tables))}")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def fixtures(prefix):
    if not os.path.isdir(DATA):
        sys.exit(f"fuzz-seeds: {DATA} missing (run `make fixtures`)")
    return {n[:-4]: read(os.path.join(DATA, n)) for n in sorted(os.listdir(DATA))
            if n.startswith(prefix) and n.endswith(".aml")}


def qemu(name):
    return read(os.path.join(QEMU, name + ".bin"))


def u16(n):
    return struct.pack("<H", n)


def compact_map(desc):
    """The first descriptor of each (type, attribute) pair of a map, in order: every kind the
    firmware used, in a seed small enough for the fuzzer to mutate quickly."""
    seen, out = set(), b""
    for i in range(0, len(desc), 48):
        t, attr = struct.unpack_from("<I", desc, i)[0], struct.unpack_from("<Q", desc, i + 32)[0]
        if (t, attr) not in seen:
            seen.add((t, attr))
            out += desc[i:i + 48]
    return out


def rsdp_image(tables):
    """RSDP (ACPI 6.5 §5.2.5, revision 2) at 0, an XSDT at 64 listing tables placed after it."""
    xsdt_len = 36 + 8 * len(tables)
    body, addrs, off = b"", [], 64 + xsdt_len
    for t in tables:
        addrs.append(off + len(body))
        body += t + b"\0" * (-len(t) % 8)
    xsdt = bytearray(b"XSDT" + struct.pack("<IBB", xsdt_len, 1, 0) + b"SPMK  SPMKXSDT" +
                     struct.pack("<I4sI", 1, b"SPMK", 1) + b"".join(struct.pack("<Q", a) for a in addrs))
    xsdt[9] = (-sum(xsdt)) & 0xff
    rsdp = bytearray(b"RSD PTR " + b"\0" + b"SPMK  " + bytes([2]) + struct.pack("<I", 0) +
                     struct.pack("<IQ", 36, 64) + b"\0\0\0\0")
    rsdp[8] = (-sum(rsdp[:20])) & 0xff
    rsdp[32] = (-sum(rsdp)) & 0xff
    return bytes(rsdp) + b"\0" * (64 - 36) + bytes(xsdt) + body


def kernel_elf():
    """A small ELF64 x86_64 ET_EXEC shaped like the kernel: text (R+X, entry inside), data
    (R+W) with bss, a PT_NOTE, all at KERNEL_VIRT_BASE + 1 MiB, aligned like their offsets."""
    base, off = 0xffffffff80100000, 0x100
    segs = [(4, 5, off, 0x40, 0x40), (1, 5, off, 0x40, 0x40), (1, 6, off + 0x40, 0x20, 0x2000)]
    ph = b""
    for ptype, flags, o, filesz, memsz in segs:
        ph += struct.pack("<IIQQQQQQ", ptype, flags, o, base + o + (0x1000 if flags == 6 else 0),
                          0, filesz, memsz, 0x10)
    eh = (b"\x7fELF" + bytes([2, 1, 1]) + b"\0" * 9 +
          struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, base + off + 0x10, 64, 0, 0, 64, 56, len(segs), 64, 0, 0))
    img = eh + ph
    return img + b"\0" * (off - len(img)) + b"\x90" * 0x40 + b"\x01" * 0x20


SCRIPTS = [
    "help; echo hello 'two words' \"a;b\"",
    "memmap; memmap -n; mem; iomem; numa; numa -j; acpi tables; acpi dump HMAT",
    "dax list; dax list -j; dax claim dax0.0 alice; dax map dax0.0; dax write dax0.0 0 hello 16",
    "dax read dax0.0 0 16 --as bob; dax release dax0.0; dax reconfigure dax0.0 system-ram",
    "mem fill A 512M node=1; dax reconfigure dax0.0 devdax; mem check A",
    "dax create-device region0 2M; dax create-device 0 4K 4K; dax destroy-device dax0.1",
    "mem fill B 0x200000 unmovable\nmem pin B 3; mem unpin B 3; mem free B; mem objects",
    "dax reconfigure dax0.0 system-ram --unmovable; dax reconfigure dax0.0 devdax --size 1G",
    "bench hotplug; bench cycles dax0.0 4 2M; stats; selftest; taint; fault read 0x1000",
    "mem fill A 0xffffffffffffffff; mem fill A 16T; dax create-device 99 1K",
    "'unterminated; \"also",
]
CMDLINES = [
    "", "efi=nosoftreserve", "efi_fake_mem=1G@4G:0x40000", "spmk.nohmat=device",
    "efi_fake_mem=2M@0x100000:0x40000,4K@0:0x10000 spmk.nohmat=device",
    "spmk.run=\"memmap; numa -j; dax list\" efi=nosoftreserve unknown=1 \"\" \"quoted value\"",
]
FAKE_MEM = ["1G@4G:0x40000", "2M@0x100000:0x40000,4K@0:0x10000", "4G@0x100000000:0x40000",
            "1G@0:0x40000,1G@0x40000000:0x10000"]
APPEND = ["# an SP range and a hole\n7 0x180000000 0x40000 0x4000f\n0 0x1c0000000 16 0\n",
          "11 0xfec00000 1 0x8000000000000001\n", "7 0x1000 0x10 0xf # trailing comment\n"]
SP_RANGES = ["1G@0x100000000", "512M@0x60000000,512M@0x140000000", "4K@0x1000"]


def seeds(out):
    def put(target, name, data):
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())

    srat, slit, hmat = fixtures("srat_"), fixtures("slit_"), fixtures("hmat_")
    q = {s: qemu(s) for s in ("memmap", "srat", "slit", "hmat", "apic", "facp", "dsdt")}
    for name, t in {**srat, "qemu": q["srat"]}.items():
        put("fuzz_srat", name, t)
    for name, t in {**slit, "qemu": q["slit"]}.items():
        put("fuzz_slit", name, t)
    for name, t in {**hmat, "qemu": q["hmat"]}.items():
        put("fuzz_hmat", name, t)
    put("fuzz_fadt", "qemu_facp", b"\x01" + q["facp"])
    put("fuzz_fadt", "qemu_dsdt", b"\x00" + q["dsdt"])
    for name, t in fixtures("fadt_").items():
        put("fuzz_fadt", name, b"\x01" + t)
    for name, t in fixtures("dsdt_").items():
        put("fuzz_fadt", name, b"\x00" + t)
    triples = [("qemu", q["srat"], q["slit"], q["hmat"])]
    triples += [(f"{s}+{h}", srat[s], slit["slit_qemu"], hmat[h]) for s in srat for h in hmat]
    for name, s, l, h in triples:
        put("fuzz_numa", name, u16(len(s)) + u16(len(l)) + s + l + h)
    put("fuzz_rsdp", "qemu", rsdp_image([q["facp"], q["srat"], q["slit"], q["hmat"]]))
    for flags in range(8):
        put("fuzz_memmap", f"qemu_flags{flags}", bytes([1, flags]) + q["memmap"])
    for i, s in enumerate(SCRIPTS):
        put("fuzz_shell", f"script{i}", s)
        put("fuzz_cmdline", f"script{i}", f"spmk.run=\"{s}\"")
    small = compact_map(q["memmap"])
    for i, c in enumerate(CMDLINES):
        put("fuzz_cmdline", f"cmdline{i}", c)
        for j, (name, s, l, h) in enumerate(triples[:4]):
            m = q["memmap"] if i == 0 and j == 0 else small
            flags = [0, 0x01, 0x04, 0x08, 0x50, 0xf0][i]
            put("fuzz_discover", f"{name}_cmdline{i}",
                c.encode() + b"\0" + bytes([1, flags]) + u16(len(m)) + u16(len(s)) +
                u16(len(l)) + u16(len(h)) + m + s + l + h + q["apic"])
    put("fuzz_madt", "qemu", q["apic"])
    for i, text in enumerate(APPEND):
        put("fuzz_memmap_append", f"lines{i}", text)
    put("fuzz_elf", "kernel_like", kernel_elf())
    for i, v in enumerate(FAKE_MEM):
        put("fuzz_fake_mem", f"value{i}", v)
    for i, v in enumerate(SP_RANGES):
        put("fuzz_sp_ranges", f"ranges{i}", v)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "capture":
        capture(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "seeds":
        seeds(sys.argv[2])
    else:
        sys.exit(__doc__)
