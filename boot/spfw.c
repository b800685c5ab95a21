/* SPDX-License-Identifier: BSD-2-Clause */
/* spfw.c - the SP firmware stage (build/spfw.efi), started by QEMU with -kernel.
 *
 * It plays the part of a BIOS that reports specific-purpose memory: it reads fw_cfg
 * opt/spmk/sp-ranges ("SIZE@START,...", see sp_ranges.h), and for every system-memory part
 * of each range adds EFI_MEMORY_SP to the GCD capabilities through the DXE Services table,
 * so GetMemoryMap reports those pages with attribute SP. Then it finds a volume holding
 * \EFI\BOOT\BOOTX64.EFI (connecting every controller first when none holds it yet, e.g. a USB
 * disk) and starts it, exactly like the boot manager would.
 * Without the fw_cfg file it only chains. Errors are printed as "spfw: error: ..."; with
 * fw_cfg opt/spmk/poweroff-on-error the machine then powers off instead of returning. */
#include <efi.h>
#include <efilib.h>

#include "boot/efi_util.h"
#include "boot/fwcfg.h"
#include "boot/sp_ranges.h"
#include "lib/efi_memory.h"

#define SPFW_PREFIX "spfw"
#define SPFW_RANGES_MAX_LEN 1024
#define LOADER_PATH L"\\EFI\\BOOT\\BOOTX64.EFI"
#define SPFW_CONNECT_PASSES 4 /* connect-all passes while the loader's volume is missing */

/* PI 1.0+ DXE Services table (PI spec vol. 2); gnu-efi does not define it. Only the members
 * this stage calls have precise types; the table layout is what matters. */
#define DXE_SERVICES_TABLE_GUID                                                                    \
	{                                                                                          \
		0x05ad34ba, 0x6f02, 0x4214, { 0x95, 0x2e, 0x4d, 0xa0, 0x39, 0x8e, 0x2b, 0xb9 }     \
	}

enum gcd_memory_type {
	GCD_NONEXISTENT = 0,
	GCD_RESERVED = 1,
	GCD_SYSTEM_MEMORY = 2,
	GCD_MMIO = 3,
	GCD_PERSISTENT = 4,
	GCD_MORE_RELIABLE = 5,
};

struct gcd_memory_descriptor {
	EFI_PHYSICAL_ADDRESS base;
	UINT64 length;
	UINT64 capabilities;
	UINT64 attributes;
	UINT32 gcd_type; /* enum gcd_memory_type (a C enum: 4 bytes) */
	EFI_HANDLE image;
	EFI_HANDLE device;
};

struct dxe_services {
	EFI_TABLE_HEADER hdr;
	void *add_memory_space;
	void *allocate_memory_space;
	void *free_memory_space;
	void *remove_memory_space;
	EFI_STATUS(EFIAPI *get_memory_space_descriptor)
	(EFI_PHYSICAL_ADDRESS base, struct gcd_memory_descriptor *desc);
	void *set_memory_space_attributes;
	void *get_memory_space_map;
	void *add_io_space;
	void *allocate_io_space;
	void *free_io_space;
	void *remove_io_space;
	void *get_io_space_descriptor;
	void *get_io_space_map;
	void *dispatch;
	void *schedule;
	void *trust;
	void *process_firmware_volume;
	EFI_STATUS(EFIAPI *set_memory_space_capabilities)
	(EFI_PHYSICAL_ADDRESS base, UINT64 length, UINT64 capabilities);
};

_Static_assert(__builtin_offsetof(struct dxe_services, set_memory_space_capabilities) ==
		       24 + 17 * 8,
	       "DXE services layout");
_Static_assert(__builtin_offsetof(struct gcd_memory_descriptor, image) == 40, "GCD layout");

struct spfw {
	EFI_HANDLE image;
	EFI_SYSTEM_TABLE *st;
	struct efi_con con;
	struct out *log;
	struct dxe_services *ds;
};

static EFI_STATUS spfw_fail(struct spfw *F, EFI_STATUS s)
{
	efi_poweroff_if_requested(F->st, s);
	return s;
}

/* Marks the system-memory parts of r as SP, one GCD descriptor at a time. */
static EFI_STATUS spfw_mark_range(struct spfw *F, struct range r)
{
	uint64_t marked = 0;
	for (uint64_t a = r.base; a < r.end;) {
		struct gcd_memory_descriptor d;
		EFI_STATUS s = F->ds->get_memory_space_descriptor(a, &d);
		if (EFI_ERROR(s) || d.length == 0 || d.base + d.length <= a) {
			out_log(F->log, LOG_ERR, "no GCD descriptor for 0x%llx (0x%llx)",
				(unsigned long long)a, (unsigned long long)s);
			return EFI_ERROR(s) ? s : EFI_NOT_FOUND;
		}
		uint64_t end = MIN(d.base + d.length, r.end);
		if (d.gcd_type != GCD_SYSTEM_MEMORY) {
			out_log(F->log, LOG_WARN,
				"[0x%llx-0x%llx) is GCD type %u, not system memory; "
				"left alone",
				(unsigned long long)a, (unsigned long long)end, d.gcd_type);
		} else {
			s = F->ds->set_memory_space_capabilities(a, end - a,
								 d.capabilities | EFI_MEMORY_SP);
			if (EFI_ERROR(s)) {
				out_log(F->log, LOG_ERR,
					"SetMemorySpaceCapabilities [0x%llx-0x%llx) "
					"failed (0x%llx)",
					(unsigned long long)a, (unsigned long long)end,
					(unsigned long long)s);
				return s;
			}
			out_printf(F->log, SPFW_PREFIX ": marked SP [0x%llx-0x%llx)\n",
				   (unsigned long long)a, (unsigned long long)end);
			marked += end - a;
		}
		a = end;
	}
	if (marked == 0) {
		out_log(F->log, LOG_ERR, "range [0x%llx-0x%llx) holds no system memory",
			(unsigned long long)r.base, (unsigned long long)r.end);
		return EFI_NOT_FOUND;
	}
	return EFI_SUCCESS;
}

static EFI_STATUS spfw_mark_all(struct spfw *F)
{
	char text[SPFW_RANGES_MAX_LEN];
	size_t len;
	status_t st = fwcfg_read_string("opt/spmk/sp-ranges", text, sizeof text, &len);
	if (st == ST_NOTFOUND) {
		out_log(F->log, LOG_INFO, "no fw_cfg opt/spmk/sp-ranges; nothing to mark");
		return EFI_SUCCESS;
	}
	if (st != ST_OK) {
		out_log(F->log, LOG_ERR, "fw_cfg opt/spmk/sp-ranges is %zu bytes, max %u", len,
			SPFW_RANGES_MAX_LEN - 1);
		return EFI_BAD_BUFFER_SIZE;
	}
	while (len && (text[len - 1] == '\n' || text[len - 1] == '\r' || text[len - 1] == ' '))
		text[--len] = '\0';
	struct sp_ranges rs;
	if (sp_ranges_parse(text, &rs, F->log) != ST_OK)
		return EFI_INVALID_PARAMETER;
	EFI_GUID dxe_guid = DXE_SERVICES_TABLE_GUID;
	F->ds = efi_find_config_table(F->st, &dxe_guid);
	if (!F->ds) {
		out_log(F->log, LOG_ERR, "no DXE Services table in the configuration table");
		return EFI_UNSUPPORTED;
	}
	for (unsigned i = 0; i < rs.count; i++) {
		EFI_STATUS s = spfw_mark_range(F, rs.r[i]);
		if (EFI_ERROR(s))
			return s;
	}
	return EFI_SUCCESS;
}

/* True when the volume on handle h holds the loader. */
static bool spfw_volume_has_loader(struct spfw *F, EFI_HANDLE h)
{
	EFI_FILE_HANDLE root, f;
	if (EFI_ERROR(efi_open_volume(F->st, h, &root)))
		return false;
	EFI_STATUS s = root->Open(root, &f, LOADER_PATH, EFI_FILE_MODE_READ, 0);
	if (!EFI_ERROR(s))
		f->Close(f);
	root->Close(root);
	return !EFI_ERROR(s);
}

/* The first file system holding the loader, or NULL; *n is the number of file systems. */
static EFI_HANDLE spfw_find_loader(struct spfw *F, UINTN *n)
{
	EFI_BOOT_SERVICES *bs = F->st->BootServices;
	EFI_GUID fs_guid = SIMPLE_FILE_SYSTEM_PROTOCOL;
	EFI_HANDLE *handles = NULL, dev = NULL;
	*n = 0;
	EFI_STATUS s = bs->LocateHandleBuffer(ByProtocol, &fs_guid, NULL, n, &handles);
	for (UINTN i = 0; !EFI_ERROR(s) && i < *n && !dev; i++)
		if (spfw_volume_has_loader(F, handles[i]))
			dev = handles[i];
	if (handles)
		bs->FreePool(handles);
	return dev;
}

/* Connects every driver to every handle, recursively (UEFI 2.10 §7.3.12 ConnectController),
 * as the boot manager does before it gives up on a boot option: OVMF starts this stage (the
 * -kernel option) before it has connected USB mass storage, whose file system appears only
 * then. Returns the number of handles after the pass. */
static UINTN spfw_connect_all(struct spfw *F)
{
	EFI_BOOT_SERVICES *bs = F->st->BootServices;
	EFI_HANDLE *all = NULL;
	UINTN n = 0;
	if (EFI_ERROR(bs->LocateHandleBuffer(AllHandles, NULL, NULL, &n, &all)))
		return 0;
	for (UINTN i = 0; i < n; i++)
		bs->ConnectController(all[i], NULL, NULL, TRUE);
	bs->FreePool(all);
	return n;
}

static EFI_STATUS spfw_chain(struct spfw *F)
{
	EFI_BOOT_SERVICES *bs = F->st->BootServices;
	UINTN n;
	EFI_HANDLE dev = spfw_find_loader(F, &n);
	/* Connecting can create handles (a bus's children); repeat until the count settles. */
	UINTN handles = 0;
	for (int pass = 0; !dev && pass < SPFW_CONNECT_PASSES; pass++) {
		UINTN now = spfw_connect_all(F);
		dev = spfw_find_loader(F, &n);
		if (now == handles)
			break;
		handles = now;
	}
	EFI_STATUS s;
	if (!dev) {
		out_log(F->log, LOG_ERR,
			"no volume holds \\EFI\\BOOT\\BOOTX64.EFI (%llu file systems)",
			(unsigned long long)n);
		return EFI_NOT_FOUND;
	}
	EFI_DEVICE_PATH *dp = FileDevicePath(dev, LOADER_PATH);
	EFI_HANDLE child;
	s = dp ? bs->LoadImage(FALSE, F->image, dp, NULL, 0, &child) : EFI_OUT_OF_RESOURCES;
	if (dp)
		bs->FreePool(dp);
	if (EFI_ERROR(s)) {
		out_log(F->log, LOG_ERR, "LoadImage of \\EFI\\BOOT\\BOOTX64.EFI failed (0x%llx)",
			(unsigned long long)s);
		return s;
	}
	out_log(F->log, LOG_INFO, "starting \\EFI\\BOOT\\BOOTX64.EFI");
	s = bs->StartImage(child, NULL, NULL);
	/* Only reached when the loader returned: it has printed its own error. */
	out_log(F->log, LOG_ERR, "\\EFI\\BOOT\\BOOTX64.EFI returned 0x%llx", (unsigned long long)s);
	return EFI_ERROR(s) ? s : EFI_ABORTED;
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *st)
{
	struct spfw F = { .image = image, .st = st };
	InitializeLib(image, st); /* FileDevicePath needs gnu-efi's globals */
	efi_con_init(&F.con, st, SPFW_PREFIX);
	F.log = &F.con.out;
	EFI_STATUS s = spfw_mark_all(&F);
	if (EFI_ERROR(s))
		return spfw_fail(&F, s);
	return spfw_fail(&F, spfw_chain(&F));
}
