/* SPDX-License-Identifier: BSD-2-Clause */
/* elf_validate.c - ELF64 kernel image validation (see elf_validate.h).
 *
 * Headers are copied out of the buffer with memcpy before use, so the buffer may be unaligned.
 * Checks run in file order: identification, header fields, program header table bounds, then
 * every PT_LOAD on its own, then the relations between segments (overlap, span, entry). */
#include "boot/elf_validate.h"

#include "boot/boot_info.h"
#include "lib/kstring.h"
#include "lib/types.h"

#define EI_NIDENT 16
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PN_XNUM 0xffff

struct elf64_ehdr {
	uint8_t ident[EI_NIDENT];
	uint16_t type;
	uint16_t machine;
	uint32_t version;
	uint64_t entry;
	uint64_t phoff;
	uint64_t shoff;
	uint32_t flags;
	uint16_t ehsize;
	uint16_t phentsize;
	uint16_t phnum;
	uint16_t shentsize;
	uint16_t shnum;
	uint16_t shstrndx;
};

struct elf64_phdr {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t vaddr;
	uint64_t paddr;
	uint64_t filesz;
	uint64_t memsz;
	uint64_t align;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64, "ehdr size");
_Static_assert(sizeof(struct elf64_phdr) == 56, "phdr size");

static status_t elf_validate_ident(const struct elf64_ehdr *eh, struct out *log)
{
	if (eh->ident[0] != 0x7f || eh->ident[1] != 'E' || eh->ident[2] != 'L' ||
	    eh->ident[3] != 'F') {
		out_log(log, LOG_ERR, "elf: bad magic %02x %02x %02x %02x (want 7f 45 4c 46)",
			eh->ident[0], eh->ident[1], eh->ident[2], eh->ident[3]);
		return ST_INVALID;
	}
	if (eh->ident[4] != ELFCLASS64) {
		out_log(log, LOG_ERR, "elf: class %u is not ELFCLASS64 (2)", eh->ident[4]);
		return ST_UNSUPPORTED;
	}
	if (eh->ident[5] != ELFDATA2LSB) {
		out_log(log, LOG_ERR, "elf: data encoding %u is not little-endian (1)",
			eh->ident[5]);
		return ST_UNSUPPORTED;
	}
	if (eh->ident[6] != EV_CURRENT || eh->version != EV_CURRENT) {
		out_log(log, LOG_ERR, "elf: version %u/%u is not 1", eh->ident[6], eh->version);
		return ST_UNSUPPORTED;
	}
	if (eh->machine != EM_X86_64) {
		out_log(log, LOG_ERR, "elf: machine %u is not x86_64 (62)", eh->machine);
		return ST_UNSUPPORTED;
	}
	if (eh->type != ET_EXEC) {
		out_log(log, LOG_ERR, "elf: type %u is not ET_EXEC (2)", eh->type);
		return ST_UNSUPPORTED;
	}
	return ST_OK;
}

static status_t elf_validate_phdr_table(const struct elf64_ehdr *eh, size_t len, struct out *log)
{
	uint64_t tab, end;
	if (eh->phnum == 0 || eh->phnum == PN_XNUM) {
		out_log(log, LOG_ERR, "elf: phnum %u not supported (need 1..65534)", eh->phnum);
		return ST_INVALID;
	}
	if (eh->phentsize < sizeof(struct elf64_phdr)) {
		out_log(log, LOG_ERR, "elf: phentsize %u is smaller than %zu", eh->phentsize,
			sizeof(struct elf64_phdr));
		return ST_INVALID;
	}
	if (__builtin_mul_overflow((uint64_t)eh->phnum, (uint64_t)eh->phentsize, &tab) ||
	    add_overflows(eh->phoff, tab, &end) || end > len) {
		out_log(log, LOG_ERR,
			"elf: program headers at offset 0x%llx (%u x %u bytes) exceed the file "
			"(%zu bytes)",
			(unsigned long long)eh->phoff, eh->phnum, eh->phentsize, len);
		return ST_TRUNCATED;
	}
	return ST_OK;
}

static status_t elf_validate_load(const struct elf64_phdr *ph, unsigned i, size_t len,
				  const struct elf_bounds *b, struct out *log)
{
	uint64_t fend, vend;
	if (ph->filesz > ph->memsz) {
		out_log(log, LOG_ERR, "elf: segment %u: filesz 0x%llx > memsz 0x%llx", i,
			(unsigned long long)ph->filesz, (unsigned long long)ph->memsz);
		return ST_INVALID;
	}
	if (add_overflows(ph->offset, ph->filesz, &fend) || fend > len) {
		out_log(log, LOG_ERR,
			"elf: segment %u: file bytes [0x%llx, +0x%llx) exceed the file (%zu bytes)",
			i, (unsigned long long)ph->offset, (unsigned long long)ph->filesz, len);
		return ST_TRUNCATED;
	}
	if (ph->vaddr < b->lo) {
		out_log(log, LOG_ERR, "elf: segment %u: vaddr 0x%llx is below the %s base 0x%llx",
			i, (unsigned long long)ph->vaddr, b->what, (unsigned long long)b->lo);
		return ST_RANGE;
	}
	if (add_overflows(ph->vaddr, ph->memsz, &vend)) {
		out_log(log, LOG_ERR, "elf: segment %u: vaddr 0x%llx + memsz 0x%llx wraps", i,
			(unsigned long long)ph->vaddr, (unsigned long long)ph->memsz);
		return ST_RANGE;
	}
	if (vend > b->hi) {
		out_log(log, LOG_ERR,
			"elf: segment %u: [0x%llx, 0x%llx) ends above the %s limit 0x%llx", i,
			(unsigned long long)ph->vaddr, (unsigned long long)vend, b->what,
			(unsigned long long)b->hi);
		return ST_RANGE;
	}
	if (ph->align > 1) {
		if (ph->align & (ph->align - 1)) {
			out_log(log, LOG_ERR,
				"elf: segment %u: p_align 0x%llx is not a power of two", i,
				(unsigned long long)ph->align);
			return ST_INVALID;
		}
		if ((ph->vaddr & (ph->align - 1)) != (ph->offset & (ph->align - 1))) {
			out_log(log, LOG_ERR,
				"elf: segment %u: vaddr 0x%llx and offset 0x%llx differ modulo "
				"p_align 0x%llx",
				i, (unsigned long long)ph->vaddr, (unsigned long long)ph->offset,
				(unsigned long long)ph->align);
			return ST_INVALID;
		}
	}
	return ST_OK;
}

static status_t elf_collect(const uint8_t *p, size_t len, const struct elf64_ehdr *eh,
			    const struct elf_bounds *b, struct elf_image *out, struct out *log)
{
	out->nseg = 0;
	for (unsigned i = 0; i < eh->phnum; i++) {
		struct elf64_phdr ph;
		memcpy(&ph, p + eh->phoff + (uint64_t)i * eh->phentsize, sizeof ph);
		if (ph.type != PT_LOAD)
			continue;
		if (ph.memsz == 0 && ph.filesz == 0)
			continue; /* an empty segment (ld's for an app without data): no address used */
		status_t st = elf_validate_load(&ph, i, len, b, log);
		if (st != ST_OK)
			return st;
		if (out->nseg == ELF_MAX_SEGMENTS) {
			out_log(log, LOG_ERR, "elf: more than %u non-empty PT_LOAD segments",
				ELF_MAX_SEGMENTS);
			return ST_RANGE;
		}
		out->seg[out->nseg++] = (struct elf_segment){ .vaddr = ph.vaddr,
							      .memsz = ph.memsz,
							      .offset = ph.offset,
							      .filesz = ph.filesz,
							      .flags = ph.flags };
	}
	if (out->nseg == 0) {
		out_log(log, LOG_ERR, "elf: no non-empty PT_LOAD segment");
		return ST_INVALID;
	}
	return ST_OK;
}

static status_t elf_validate_layout(struct elf_image *img, struct out *log)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	bool entry_ok = false;
	for (unsigned i = 0; i < img->nseg; i++) {
		const struct elf_segment *a = &img->seg[i];
		uint64_t aend = a->vaddr + a->memsz; /* checked: no wrap */
		for (unsigned j = i + 1; j < img->nseg; j++) {
			const struct elf_segment *b = &img->seg[j];
			if (a->vaddr < b->vaddr + b->memsz && b->vaddr < aend) {
				out_log(log, LOG_ERR,
					"elf: segments [0x%llx, 0x%llx) and [0x%llx, 0x%llx) "
					"overlap",
					(unsigned long long)a->vaddr, (unsigned long long)aend,
					(unsigned long long)b->vaddr,
					(unsigned long long)(b->vaddr + b->memsz));
				return ST_INVALID;
			}
		}
		lo = MIN(lo, a->vaddr);
		hi = MAX(hi, aend);
		if ((a->flags & ELF_PF_X) && img->entry >= a->vaddr &&
		    img->entry < a->vaddr + a->filesz)
			entry_ok = true;
	}
	img->vmin = ALIGN_DOWN(lo, PAGE_SIZE);
	/* hi <= 2^64 - 1; rounding up may wrap to 0 only for the very last page */
	img->vmax = hi > UINT64_MAX - (PAGE_SIZE - 1) ? 0 : ALIGN_UP(hi, PAGE_SIZE);
	if (img->vmax == 0 || img->vmax - img->vmin >= ELF_MAX_SPAN) {
		out_log(log, LOG_ERR, "elf: segments span [0x%llx, 0x%llx), not below 1 GiB",
			(unsigned long long)lo, (unsigned long long)hi);
		return ST_RANGE;
	}
	if (!entry_ok) {
		out_log(log, LOG_ERR,
			"elf: entry 0x%llx is not inside the file bytes of an executable PT_LOAD",
			(unsigned long long)img->entry);
		return ST_INVALID;
	}
	return ST_OK;
}

status_t elf_validate_bounds(const void *buf, size_t len, const struct elf_bounds *b,
			     struct elf_image *out, struct out *log)
{
	struct elf64_ehdr eh;
	if (!buf || len < sizeof eh) {
		out_log(log, LOG_ERR, "elf: file is %zu bytes, smaller than an ELF64 header (64)",
			buf ? len : 0);
		return ST_TRUNCATED;
	}
	memcpy(&eh, buf, sizeof eh);
	status_t st = elf_validate_ident(&eh, log);
	if (st == ST_OK)
		st = elf_validate_phdr_table(&eh, len, log);
	if (st == ST_OK)
		st = elf_collect(buf, len, &eh, b, out, log);
	if (st != ST_OK)
		return st;
	out->entry = eh.entry;
	return elf_validate_layout(out, log);
}

status_t elf_validate(const void *buf, size_t len, struct elf_image *out, struct out *log)
{
	static const struct elf_bounds kernel = { KERNEL_VIRT_BASE, UINT64_MAX, "kernel" };
	return elf_validate_bounds(buf, len, &kernel, out, log);
}
