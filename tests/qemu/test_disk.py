# SPDX-License-Identifier: BSD-2-Clause
"""The bootable GPT disk (tools/mkdisk.sh, `make disk`, docs/disk.md).

Host side: the layout sgdisk and the specs promise (protective MBR, both GPT headers, one EFI
system partition at 1 MiB holding exactly the ESP image), the command line written to
\\spmk\\cmdline.txt, and bad input refused with its numbers. QEMU: OVMF boots the disk as a
plain disk on SATA (AHCI), virtio-blk and USB with no fw_cfg command line, and on two machines
with SP memory through the firmware stage, as `make run DISK=1 TOPO=...` does."""
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zlib

import pytest

from spmk_qemu import BUILD, ROOT, boot, machine

ESP = os.path.join(BUILD, "spmk.img")
MKDISK = os.path.join(ROOT, "tools", "mkdisk.sh")
SECTOR = 512
START = 2048  # the EFI system partition's first LBA (1 MiB)
ESP_TYPE = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"


def mkdisk(out, cmdline=None, esp=ESP):
    env = dict(os.environ)
    env.pop("CMDLINE", None)
    if cmdline is not None:
        env["CMDLINE"] = cmdline
    return subprocess.run(["bash", MKDISK, out, esp], env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture(scope="module")
def tmp():
    d = tempfile.mkdtemp(prefix="spmk-disk-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


def built(tmp, name, cmdline=None):
    path = os.path.join(tmp, name)
    p = mkdisk(path, cmdline)
    assert p.returncode == 0, p.stdout + p.stderr
    return path


def mtools(*argv):
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    return subprocess.run(argv, env=env, check=True, capture_output=True).stdout


def files(image):
    """{path: bytes} of every file on a FAT image ("FILE@@OFFSET" for a partition)."""
    out = {}
    listing = mtools("mdir", "-/", "-b", "-i", image, "::/").decode()
    for line in listing.splitlines():
        path = line.strip()
        if path.endswith("/"):
            continue
        out[path[2:] if path.startswith("::") else path] = mtools("mtype", "-i", image, path)
    return out


def gpt_header(disk, lba):
    with open(disk, "rb") as f:
        f.seek(lba * SECTOR)
        h = f.read(92)
    sig, rev, size, crc, _, my, alt, first, last = struct.unpack_from("<8sIIIIQQQQ", h)
    assert sig == b"EFI PART" and rev == 0x10000 and size == 92, (lba, h[:16])
    assert zlib.crc32(h[:16] + b"\0\0\0\0" + h[20:92]) == crc, f"header CRC at LBA {lba}"
    entries_lba, n, entry_size, entries_crc = struct.unpack_from("<QIII", h, 72)
    with open(disk, "rb") as f:
        f.seek(entries_lba * SECTOR)
        entries = f.read(n * entry_size)
    assert zlib.crc32(entries) == entries_crc, f"entry array CRC of the header at LBA {lba}"
    return dict(my=my, alt=alt, first=first, last=last, entries_lba=entries_lba, n=n,
                entry_size=entry_size, entries=entries)


def test_layout(tmp):
    disk = built(tmp, "plain.img")
    esp_bytes = os.path.getsize(ESP)
    esp_sectors = esp_bytes // SECTOR
    total = os.path.getsize(disk) // SECTOR
    assert total == START + esp_sectors + 2048  # 1 MiB on each side of the ESP

    v = subprocess.run(["sgdisk", "--verify", disk], capture_output=True, text=True)
    assert v.returncode == 0 and "No problems found" in v.stdout, v.stdout + v.stderr
    p = subprocess.run(["sgdisk", "-p", disk], capture_output=True, text=True, check=True).stdout
    rows = re.findall(r"^\s+(\d+)\s+(\d+)\s+(\d+)\s+\S+ \S+\s+(\w{4})\s+(.*)$", p, re.M)
    assert rows == [("1", str(START), str(START + esp_sectors - 1), "EF00",
                     "EFI system partition")], p
    info = subprocess.run(["sgdisk", "-i", "1", disk], capture_output=True, text=True,
                          check=True).stdout
    assert f"Partition GUID code: {ESP_TYPE} (EFI system partition)" in info, info

    with open(disk, "rb") as f:
        mbr = f.read(SECTOR)
    # Protective MBR (UEFI 2.10 §5.2.3): one entry, type 0xEE, LBA 1 to the end of the disk.
    status, otype, first_lba, nsect = struct.unpack_from("<B3xB3xII", mbr, 446)
    assert (status, otype, first_lba, nsect) == (0, 0xEE, 1, min(total - 1, 0xFFFFFFFF))
    assert mbr[446 + 16:510] == bytes(48) and mbr[510:] == b"\x55\xaa"

    # Primary GPT at LBA 1, backup in the last LBA, each naming the other (UEFI 2.10 §5.3.2).
    primary, backup = gpt_header(disk, 1), gpt_header(disk, total - 1)
    assert (primary["my"], primary["alt"]) == (1, total - 1)
    assert (backup["my"], backup["alt"]) == (total - 1, 1)
    assert backup["entries_lba"] > START + esp_sectors - 1  # the backup entries follow the ESP
    assert primary["entries"] == backup["entries"]
    ptype, _, first, last = struct.unpack_from("<16s16sQQ", primary["entries"])
    assert (first, last) == (START, START + esp_sectors - 1) and first % 2048 == 0
    assert primary["entries"][primary["entry_size"]:].strip(b"\0") == b""  # one partition

    # The partition is the ESP image byte for byte, except the boot sector's hidden-sectors
    # field (and its FAT32 backup's in sector 6), which now holds the partition's first LBA.
    with open(ESP, "rb") as f:
        want = bytearray(f.read())
    with open(disk, "rb") as f:
        f.seek(START * SECTOR)
        got = f.read(esp_bytes)
    assert struct.unpack_from("<I", want, 28)[0] == 0
    for off in (28, 6 * SECTOR + 28):
        assert struct.unpack_from("<I", got, off)[0] == START
        struct.pack_into("<I", want, off, START)
    assert got == bytes(want)
    assert files(f"{disk}@@{START * SECTOR}") == files(ESP)


def test_cmdline_written_to_the_esp(tmp):
    line = 'spmk.run="echo on-disk; poweroff" log_buf_len=1M'
    disk = built(tmp, "cmdline.img", cmdline=line)
    on_disk, esp = files(f"{disk}@@{START * SECTOR}"), files(ESP)
    assert on_disk.pop("/spmk/cmdline.txt") == (line + "\n").encode()
    esp.pop("/spmk/cmdline.txt")
    assert on_disk == esp  # every other file as on the ESP image
    assert "No problems found" in subprocess.run(["sgdisk", "--verify", disk],
                                                 capture_output=True, text=True).stdout


def test_bad_input_is_refused_with_its_numbers(tmp):
    out = os.path.join(tmp, "bad.img")
    p = mkdisk(out, cmdline="x" * 2048)
    assert p.returncode == 1 and "mkdisk: CMDLINE is 2048 bytes, max 2047" in p.stderr, p.stderr
    assert built(tmp, "longest.img", cmdline="y" * 2047)

    odd = os.path.join(tmp, "odd.img")
    with open(odd, "wb") as f:
        f.write(b"\0" * 1000)
    p = mkdisk(out, esp=odd)
    assert p.returncode == 1
    assert f"{odd}: 1000 bytes is not a positive multiple of the 512-byte sector" in p.stderr
    with open(odd, "wb") as f:
        f.write(b"\0" * 4096)
    p = mkdisk(out, esp=odd)
    assert p.returncode == 1 and "no FAT boot sector (bytes 510-511 are not 55 aa)" in p.stderr
    p = mkdisk(out, esp=os.path.join(tmp, "absent.img"))
    assert p.returncode == 1 and "absent.img: no such file" in p.stderr
    p = mkdisk(os.path.join(tmp, "nodir", "x.img"))
    assert p.returncode == 1 and f"{tmp}/nodir: no such directory for" in p.stderr, p.stderr
    fat = os.path.join(tmp, "nospmk.img")  # a FAT image without the \spmk directory
    subprocess.run(["truncate", "-s", "8M", fat], check=True)
    mtools("mformat", "-i", fat, "::")
    p = mkdisk(out, cmdline="x", esp=fat)
    assert p.returncode == 1 and "cannot write \\spmk\\cmdline.txt on a copy of" in p.stderr, p.stderr
    p = subprocess.run(["bash", MKDISK, out], capture_output=True, text=True)
    assert p.returncode == 2 and "usage:" in p.stderr
    assert not os.path.exists(out)
    assert [n for n in os.listdir(tmp) if n.startswith(".mkdisk")] == []  # nothing left behind


SCRIPT = 'spmk.run="memmap -n; dax list -j; selftest; poweroff"'


@pytest.mark.parametrize("bus", ["ahci", "virtio", "usb"])
def test_boots_as_a_plain_disk(tmp, bus):
    """No firmware stage, no fw_cfg command line: OVMF's boot manager finds the ESP on the disk
    and the loader reads \\spmk\\cmdline.txt, as on a real machine."""
    disk = built(tmp, f"boot-{bus}.img", cmdline=SCRIPT)
    r = boot(image=disk, cmdline=None, bus=bus, timeout=180)
    assert r.status == 0, r.output[-3000:]
    boot_from = {"ahci": "Sata(", "virtio": "Pci(", "usb": "USB("}[bus]
    assert re.search(r"BdsDxe: starting Boot\d+ .*" + re.escape(boot_from), r.output), r.output[:3000]
    assert "spmk: command line (\\spmk\\cmdline.txt): " + SCRIPT[:-1] in r.output
    assert "dax: no specific-purpose memory (EFI_MEMORY_SP): no dax devices" in r.output
    assert '{"regions":[]}' in r.command_output("dax list -j")
    assert "selftest: ok" in r.output


# The dax devices each machine's SP memory gives (docs/machines.md).
DEVICES = {"default": ["dax0.0"], "two-socket": ["dax0.0", "dax1.0"]}


@pytest.mark.parametrize("topo,bus", [("default", "ahci"), ("two-socket", "ahci"),
                                      ("default", "usb")])
def test_boots_on_machines_with_sp_memory(tmp, topo, bus):
    """The firmware stage marks the machine's SP memory and starts \\EFI\\BOOT\\BOOTX64.EFI from
    the disk's ESP; the command line still comes from the disk. On USB the stage runs before
    the boot manager has connected the USB disk: it connects every controller itself (an error,
    with poweroff-on-error, before it did)."""
    args, sp, cmd = machine(topo)
    assert sp and not cmd
    disk = built(tmp, f"topo-{topo}-{bus}.img",
                 cmdline='spmk.run="numa; dax list -j; selftest; poweroff"')
    r = boot(image=disk, cmdline=None, args=args, sp_ranges=sp, bus=bus, timeout=180)
    assert r.status == 0, r.output[-3000:]
    assert "spfw: error" not in r.output
    assert "spfw: starting \\EFI\\BOOT\\BOOTX64.EFI" in r.output
    assert "spmk: command line (\\spmk\\cmdline.txt)" in r.output
    devices = re.findall(r'"chardev":"(dax\d+\.\d+)"', r.command_output("dax list -j"))
    assert devices == DEVICES[topo], r.command_output("dax list -j")
    assert "FIRMWARE BUG" not in r.output and "selftest: ok" in r.output


def test_make_run_disk():
    """`make run DISK=1` makes the disk with CMDLINE (`make disk`), then boots a copy of it on
    SATA with the machine's command line put before CMDLINE in the copy's cmdline.txt."""
    p = subprocess.run(["make", "-s", "-C", ROOT, "run", "DISK=sata"], capture_output=True,
                       text=True, timeout=60)
    assert p.returncode != 0 and "DISK=sata: the buses are ahci (DISK=1), virtio, usb" in p.stderr
    assert "qemu-system" not in p.stdout + p.stderr and "mkdisk" not in p.stdout
    script = 'spmk.run="dax list -j; poweroff"'
    p = subprocess.run(["make", "-s", "-C", ROOT, "run", "DISK=1", "TOPO=nosoftreserve",
                        f"CMDLINE={script}"], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=300)
    out = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
    assert p.returncode == 0, out[-3000:]
    assert f"spmk: command line (\\spmk\\cmdline.txt): efi=nosoftreserve {script}" in out, out[-3000:]
    assert '{"regions":[]}' in out
    disk = os.path.join(BUILD, "spmk-disk.img")
    assert mtools("mtype", "-i", f"{disk}@@{START * SECTOR}", "::/spmk/cmdline.txt") == \
        (script + "\n").encode()
