/* SPDX-License-Identifier: BSD-2-Clause */
/* memmap.c - UEFI memory map normaliser and printers (see memmap.h for the contract).
 *
 * The result set is kept sorted, disjoint and merged after every descriptor, so a map with
 * thousands of touching descriptors needs only as many slots as it has distinct ranges. */
#include "mm/memmap.h"

#include "lib/efi_memory.h"
#include "lib/fmt.h"
#include "lib/kstring.h"
#include "lib/rangeset.h"
#include "lib/types.h"
#include "mm/memmap_internal.h"
#include "mm/memmap_order.h"

#define U(x) ((unsigned long long)(x))

static const int8_t kind_prec[MEM_KIND_COUNT] = {
	[MEM_USABLE] = 0, [MEM_SP] = 1,         [MEM_BOOTINFO] = 2,     [MEM_PAGETABLE] = 3,
	[MEM_KERNEL] = 4, [MEM_PERSISTENT] = 5, [MEM_ACPI_RECLAIM] = 6, [MEM_ACPI_NVS] = 7,
	[MEM_MMIO] = 8,   [MEM_RESERVED] = 9,   [MEM_UNUSABLE] = 10,
};

static const char *const kind_names[MEM_KIND_COUNT] = {
	[MEM_USABLE] = "usable",
	[MEM_SP] = "sp",
	[MEM_ACPI_RECLAIM] = "acpi-reclaim",
	[MEM_ACPI_NVS] = "acpi-nvs",
	[MEM_RESERVED] = "reserved",
	[MEM_MMIO] = "mmio",
	[MEM_PERSISTENT] = "persistent",
	[MEM_UNUSABLE] = "unusable",
	[MEM_KERNEL] = "kernel",
	[MEM_PAGETABLE] = "pagetable",
	[MEM_BOOTINFO] = "bootinfo",
};

static const char *const efi_type_names[] = {
	"Reserved",
	"LoaderCode",
	"LoaderData",
	"BootServicesCode",
	"BootServicesData",
	"RuntimeServicesCode",
	"RuntimeServicesData",
	"Conventional",
	"Unusable",
	"ACPIReclaim",
	"ACPIMemoryNVS",
	"MMIO",
	"MMIOPortSpace",
	"PalCode",
	"Persistent",
	"Unaccepted",
};

int mem_kind_precedence(enum mem_kind k)
{
	return (unsigned)k < MEM_KIND_COUNT ? kind_prec[k] : -1;
}

const char *mem_kind_name(enum mem_kind k)
{
	return (unsigned)k < MEM_KIND_COUNT ? kind_names[k] : "?";
}

const char *efi_mem_type_name(uint32_t type)
{
	if (type < ARRAY_SIZE(efi_type_names))
		return efi_type_names[type];
	switch (type) {
	case SPMK_MEM_KERNEL: return "spmk-kernel";
	case SPMK_MEM_PAGETABLE: return "spmk-pagetable";
	case SPMK_MEM_BOOTINFO: return "spmk-bootinfo";
	case SPMK_MEM_MODULE: return "spmk-module";
	default: return "Unknown";
	}
}

static bool efi_type_is_ram(uint32_t type)
{
	return type == EFI_CONVENTIONAL_MEMORY || type == EFI_LOADER_CODE ||
	       type == EFI_LOADER_DATA || type == EFI_BOOT_SERVICES_CODE ||
	       type == EFI_BOOT_SERVICES_DATA;
}

/* Kind of a descriptor; *known is false for types this table does not list. */
static enum mem_kind memmap_classify(uint32_t type, uint64_t attr, bool *known)
{
	*known = true;
	if (efi_type_is_ram(type))
		return (attr & EFI_MEMORY_SP) ? MEM_SP : MEM_USABLE;
	switch (type) {
	case EFI_RESERVED_MEMORY:
	case EFI_RUNTIME_SERVICES_CODE:
	case EFI_RUNTIME_SERVICES_DATA:
	case EFI_PAL_CODE:
	case EFI_UNACCEPTED_MEMORY: return MEM_RESERVED;
	case EFI_UNUSABLE_MEMORY: return MEM_UNUSABLE;
	case EFI_ACPI_RECLAIM_MEMORY: return MEM_ACPI_RECLAIM;
	case EFI_ACPI_MEMORY_NVS: return MEM_ACPI_NVS;
	case EFI_MEMORY_MAPPED_IO:
	case EFI_MEMORY_MAPPED_IO_PORT_SPACE: return MEM_MMIO;
	case EFI_PERSISTENT_MEMORY: return MEM_PERSISTENT;
	case SPMK_MEM_KERNEL: return MEM_KERNEL;
	case SPMK_MEM_PAGETABLE: return MEM_PAGETABLE;
	case SPMK_MEM_BOOTINFO:
	case SPMK_MEM_MODULE: return MEM_BOOTINFO;
	default: *known = false; return MEM_RESERVED;
	}
}

static bool memmap_mergeable(const struct mem_range *a, const struct mem_range *b)
{
	return a->kind == b->kind &&
	       (a->attr & MEMMAP_ATTR_MERGE_MASK) == (b->attr & MEMMAP_ATTR_MERGE_MASK);
}

/* Reason desc_size / raw_size are unusable, or NULL. */
static const char *memmap_raw_problem(size_t raw_size, uint32_t desc_size)
{
	if (desc_size < MEMMAP_DESC_MIN)
		return "descriptor size below 40 bytes";
	if (desc_size > MEMMAP_DESC_MAX)
		return "descriptor size above 4096 bytes";
	if (desc_size % 8)
		return "descriptor size not a multiple of 8";
	if (raw_size % desc_size)
		return "map size not a multiple of the descriptor size";
	return NULL;
}

status_t memmap_validate_raw(size_t raw_size, uint32_t desc_size, struct out *log)
{
	const char *why = memmap_raw_problem(raw_size, desc_size);
	if (!why)
		return ST_OK;
	out_log(log, LOG_ERR, "memmap: rejected: %s (map %llu bytes, desc_size %u)", why,
		U(raw_size), desc_size);
	return ST_INVALID;
}

static void memmap_read_desc(const void *raw, size_t i, uint32_t desc_size, struct efi_mem_desc *d)
{
	memcpy(d, (const uint8_t *)raw + i * desc_size, sizeof *d);
}

/* First index whose range ends above addr (count if none). Descriptors in address order
 * (memmap_order) land after the last range: that case costs one comparison. */
uint32_t memmap_lower(const struct memmap *m, uint64_t addr)
{
	if (m->count == 0 || m->r[m->count - 1].end <= addr)
		return m->count;
	return (uint32_t)sorted_first_above(m->r, m->count, sizeof m->r[0],
					    offsetof(struct mem_range, end), addr);
}

static status_t memmap_insert_slot(struct memmap *m, uint32_t at, const struct mem_range *r)
{
	if (m->count >= m->cap)
		return ST_NOMEM;
	rangeset_slot_open(m->r, m->count, at, sizeof m->r[0]);
	m->r[at] = *r;
	m->count++;
	return ST_OK;
}

static void memmap_remove_slot(struct memmap *m, uint32_t at)
{
	rangeset_slot_close(m->r, m->count, at, sizeof m->r[0]);
	m->count--;
}

static void memmap_log_overlaps(struct memmap *m, const struct mem_range *n, uint32_t idx,
				struct out *log)
{
	for (uint32_t j = memmap_lower(m, n->base); j < m->count && m->r[j].base < n->end; j++) {
		const struct mem_range *r = &m->r[j];
		bool new_wins = kind_prec[n->kind] > kind_prec[r->kind];
		uint64_t from = MAX(n->base, r->base), to = MIN(n->end, r->end);
		m->stats.overlaps++;
		memmap_note(m, log, MEMMAP_NOTE_OVERLAP, LOG_WARN, to - from,
			    "memmap: FIRMWARE BUG: overlap: desc %u %s [0x%llx-0x%llx) %s and "
			    "[0x%llx-0x%llx) %s "
			    "share [0x%llx-0x%llx): %s kept",
			    idx, efi_mem_type_name(n->efi_type), U(n->base), U(n->end),
			    kind_names[n->kind], U(r->base), U(r->end), kind_names[r->kind],
			    U(from), U(to), kind_names[new_wins ? n->kind : r->kind]);
	}
}

/* Removes from the set every part of a lower-precedence range that n covers. */
static status_t memmap_cut_losers(struct memmap *m, const struct mem_range *n)
{
	uint32_t j = memmap_lower(m, n->base);
	while (j < m->count && m->r[j].base < n->end) {
		struct mem_range *r = &m->r[j];
		if (kind_prec[r->kind] >= kind_prec[n->kind]) {
			j++;
			continue;
		}
		bool left = r->base<n->base, right = r->end> n->end;
		if (left && right) {
			struct mem_range tail = *r;
			tail.base = n->end;
			if (memmap_insert_slot(m, j + 1, &tail) != ST_OK)
				return ST_NOMEM;
			m->r[j].end = n->base;
			j += 2;
		} else if (left) {
			r->end = n->base;
			j++;
		} else if (right) {
			r->base = n->end;
			j++;
		} else {
			memmap_remove_slot(m, j);
		}
	}
	return ST_OK;
}

/* Puts [b, e) of n's kind just before index *j, merging with either neighbour; *j keeps
 * referring to the range that followed the gap (or to the merged range holding it). */
static status_t memmap_fill(struct memmap *m, uint32_t *j, uint64_t b, uint64_t e,
			    const struct mem_range *n)
{
	struct mem_range piece = *n;
	piece.base = b;
	piece.end = e;
	bool has_left = *j > 0 && m->r[*j - 1].end == b && memmap_mergeable(&m->r[*j - 1], &piece);
	bool has_right = *j < m->count && m->r[*j].base == e && memmap_mergeable(&m->r[*j], &piece);
	if (has_left && has_right) {
		m->r[*j - 1].end = m->r[*j].end;
		memmap_remove_slot(m, *j);
		(*j)--;
	} else if (has_left) {
		m->r[*j - 1].end = e;
	} else if (has_right) {
		m->r[*j].base = b;
		m->r[*j].efi_type = n->efi_type;
		m->r[*j].attr = n->attr;
	} else {
		if (memmap_insert_slot(m, *j, &piece) != ST_OK)
			return ST_NOMEM;
		(*j)++;
	}
	return ST_OK;
}

/* Inserts n (aligned, non-empty), resolving overlaps by precedence. */
static status_t memmap_insert(struct memmap *m, const struct mem_range *n, uint32_t idx,
			      struct out *log)
{
	memmap_log_overlaps(m, n, idx, log);
	if (memmap_cut_losers(m, n) != ST_OK)
		return ST_NOMEM;
	uint64_t cur = n->base;
	uint32_t j = memmap_lower(m, cur);
	while (cur < n->end) {
		bool winner = j < m->count && m->r[j].base < n->end;
		uint64_t stop = winner ? m->r[j].base : n->end;
		if (cur < stop && memmap_fill(m, &j, cur, stop, n) != ST_OK)
			return ST_NOMEM;
		if (!(j < m->count && m->r[j].base < n->end))
			break;
		cur = m->r[j].end;
		j++;
	}
	return ST_OK;
}

/* Rounds a piece to whole pages; returns false (logged) when nothing is left. */
static bool memmap_align_piece(struct memmap *m, struct mem_range *r, uint32_t idx, struct out *log)
{
	bool shrink = r->kind == MEM_USABLE || r->kind == MEM_SP;
	uint64_t b = shrink ? ALIGN_UP(r->base, PAGE_SIZE) : ALIGN_DOWN(r->base, PAGE_SIZE);
	uint64_t e = shrink ? ALIGN_DOWN(r->end, PAGE_SIZE) : ALIGN_UP(r->end, PAGE_SIZE);
	if (b == r->base && e == r->end)
		return true;
	m->stats.unaligned++;
	if (b >= e) {
		m->stats.emptied++;
		memmap_note(m, log, MEMMAP_NOTE_ROUNDED, LOG_WARN, r->end - r->base,
			    "memmap: desc %u %s [0x%llx-0x%llx) holds no whole 4 KiB page: dropped",
			    idx, efi_mem_type_name(r->efi_type), U(r->base), U(r->end));
		return false;
	}
	uint64_t changed =
		(b > r->base ? b - r->base : r->base - b) + (e > r->end ? e - r->end : r->end - e);
	memmap_note(m, log, MEMMAP_NOTE_ROUNDED, LOG_WARN, changed,
		    "memmap: desc %u %s [0x%llx-0x%llx) not 4 KiB aligned: %s to "
		    "[0x%llx-0x%llx)",
		    idx, efi_mem_type_name(r->efi_type), U(r->base), U(r->end),
		    shrink ? "shrunk" : "grown", U(b), U(e));
	r->base = b;
	r->end = e;
	return true;
}

/* Classifies one piece of a descriptor, aligns it and inserts it. */
static status_t memmap_add_piece(struct memmap *m, uint32_t idx, uint32_t type, uint64_t base,
				 uint64_t end, uint64_t attr, const struct memmap_opts *opts,
				 struct out *log)
{
	bool known;
	bool nosr = opts && opts->nosoftreserve && efi_type_is_ram(type) && (attr & EFI_MEMORY_SP);
	if (nosr)
		attr &= ~EFI_MEMORY_SP;
	struct mem_range r = { base, end, memmap_classify(type, attr, &known), type, attr };
	if (!known) {
		m->stats.unknown++;
		memmap_note(m, log, MEMMAP_NOTE_UNKNOWN, LOG_NOTICE, end - base,
			    "memmap: desc %u [0x%llx-0x%llx) has unknown type 0x%x: "
			    "treated as reserved",
			    idx, U(base), U(end), type);
	}
	if (!memmap_align_piece(m, &r, idx, log))
		return ST_OK;
	if (nosr) {
		m->stats.sp_ignored_pages += bytes_to_pages(r.end - r.base);
		memmap_note(m, log, MEMMAP_NOTE_NOSR, LOG_INFO, r.end - r.base,
			    "memmap: efi=nosoftreserve: [0x%llx-0x%llx) is usable RAM "
			    "despite EFI_MEMORY_SP",
			    U(r.base), U(r.end));
	}
	status_t st = memmap_insert(m, &r, idx, log);
	if (st != ST_OK)
		out_log(log, LOG_ERR,
			"memmap: more than %u distinct ranges at desc %u "
			"[0x%llx-0x%llx): map rejected",
			m->cap, idx, U(r.base), U(r.end));
	return st;
}

/* RAM the kernel may use: a start that is not page aligned makes such a descriptor invalid. */
static bool efi_type_is_any_ram(uint32_t type)
{
	return efi_type_is_ram(type) || type == SPMK_MEM_KERNEL || type == SPMK_MEM_PAGETABLE ||
	       type == SPMK_MEM_BOOTINFO || type == SPMK_MEM_MODULE;
}

/* The address limit 2^MAXPHYADDR from the options (52 bits without them). */
static uint64_t memmap_phys_limit(const struct memmap_opts *opts)
{
	unsigned bits = opts && opts->maxphyaddr ? opts->maxphyaddr : MEMMAP_MAXPHYADDR_MAX;
	if (bits < MEMMAP_MAXPHYADDR_MIN || bits > MEMMAP_MAXPHYADDR_MAX)
		bits = MEMMAP_MAXPHYADDR_MAX;
	return 1ull << bits;
}

/* Why a descriptor cannot describe memory (UEFI 2.10 §7.2.3), or NULL; *stat is the counter
 * to bump. On NULL, [*base, *end) is its range. */
static const char *memmap_desc_problem(struct memmap *m, const struct efi_mem_desc *d,
				       uint64_t limit, uint64_t *base, uint64_t *end,
				       uint32_t **stat)
{
	*base = d->phys_start;
	if (d->num_pages == 0) {
		*stat = &m->stats.zero;
		return "NumberOfPages is 0";
	}
	*stat = &m->stats.wrapped;
	if (d->num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT))
		return "NumberOfPages x 4 KiB overflows 64 bits";
	if (add_overflows(*base, d->num_pages << EFI_PAGE_SHIFT, end))
		return "its end wraps past 2^64";
	*stat = &m->stats.above_max;
	if (*end > limit)
		return "it ends above 2^MAXPHYADDR";
	*stat = &m->stats.misaligned;
	if (!IS_ALIGNED(*base, PAGE_SIZE) && efi_type_is_any_ram(d->type))
		return "PhysicalStart of RAM not 4 KiB aligned";
	return NULL;
}

/* [base, end) of a descriptor; false (logged, counted) when it cannot be memory. */
static bool memmap_desc_span(struct memmap *m, const struct efi_mem_desc *d, uint32_t idx,
			     uint64_t limit, uint64_t *base, uint64_t *end, struct out *log)
{
	uint32_t *stat;
	const char *why = memmap_desc_problem(m, d, limit, base, end, &stat);
	if (!why)
		return true;
	(*stat)++;
	char lim[40] = "";
	if (stat == &m->stats.above_max)
		fmt_snprintf(lim, sizeof lim, " (0x%llx)", U(limit));
	uint64_t bytes = d->num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT)
				 ? UINT64_MAX
				 : d->num_pages << EFI_PAGE_SHIFT;
	memmap_note(m, log, MEMMAP_NOTE_DROPPED, LOG_WARN, bytes,
		    "memmap: FIRMWARE BUG: desc %u %s at 0x%llx, %llu pages, attr "
		    "0x%llx: %s%s: dropped",
		    idx, efi_mem_type_name(d->type), U(d->phys_start), U(d->num_pages),
		    U(d->attribute), why, lim);
	return false;
}

/* Applies efi_fake_mem to one descriptor and inserts its pieces. */
static status_t memmap_add_desc(struct memmap *m, uint32_t idx, const struct efi_mem_desc *d,
				const struct memmap_opts *opts, uint32_t *fake_used,
				struct out *log)
{
	uint64_t base, end;
	m->stats.descs++;
	if (!memmap_desc_span(m, d, idx, memmap_phys_limit(opts), &base, &end, log))
		return ST_OK;
	struct fake_mem_seg seg[FAKE_MEM_SEG_MAX];
	unsigned nseg = 1;
	seg[0] = (struct fake_mem_seg){ base, end, 0 };
	if (d->type == EFI_CONVENTIONAL_MEMORY && opts && opts->nfake) {
		nseg = fake_mem_split(opts, base, end, seg);
		for (uint32_t i = 0; i < opts->nfake && i < MEMMAP_FAKE_MAX; i++) {
			uint64_t fb = opts->fake[i].base;
			if (fb < end && (fb >= base || base - fb < opts->fake[i].size))
				*fake_used |= 1u << i;
		}
	}
	for (unsigned k = 0; k < nseg; k++) {
		uint64_t attr = d->attribute | seg[k].attr;
		if (attr != d->attribute) {
			m->stats.faked++;
			memmap_note(m, log, MEMMAP_NOTE_FAKE, LOG_INFO, seg[k].end - seg[k].base,
				    "efi_fake_mem: desc %u Conventional [0x%llx-0x%llx): "
				    "attr 0x%llx -> 0x%llx",
				    idx, U(seg[k].base), U(seg[k].end), U(d->attribute), U(attr));
		}
		status_t st =
			memmap_add_piece(m, idx, d->type, seg[k].base, seg[k].end, attr, opts, log);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

static void memmap_log_unused_fakes(const struct memmap_opts *opts, uint32_t used, struct out *log)
{
	for (uint32_t i = 0; opts && i < opts->nfake && i < MEMMAP_FAKE_MAX; i++)
		if (!(used & (1u << i)))
			out_log(log, LOG_WARN,
				"efi_fake_mem: 0x%llx@0x%llx:0x%llx covers no "
				"conventional memory: nothing changed",
				U(opts->fake[i].size), U(opts->fake[i].base),
				U(opts->fake[i].attr));
}

uint64_t memmap_ranges_bound(uint64_t ndesc, uint32_t nfake)
{
	return 2 * ndesc + 4 * (uint64_t)nfake + 1;
}

status_t memmap_normalize(const void *raw, size_t raw_size, uint32_t desc_size,
			  const struct memmap_opts *opts, struct memmap *out, struct out *log)
{
	if (!out)
		return ST_INVALID;
	return memmap_normalize_into(raw, raw_size, desc_size, opts, out, out->r0,
				     MEMMAP_MAX_RANGES, log);
}

status_t memmap_normalize_into(const void *raw, size_t raw_size, uint32_t desc_size,
			       const struct memmap_opts *opts, struct memmap *out,
			       struct mem_range *storage, uint32_t cap, struct out *log)
{
	if (!out)
		return ST_INVALID;
	out->count = 0;
	out->r = storage;
	out->cap = storage ? cap : 0;
	if (!out->cap) {
		out_log(log, LOG_ERR, "memmap: rejected: no storage for ranges");
		return ST_INVALID;
	}
	memset(&out->stats, 0, sizeof out->stats);
	if (!raw) {
		out_log(log, LOG_ERR, "memmap: rejected: no map");
		return ST_INVALID;
	}
	if (memmap_validate_raw(raw_size, desc_size, log) != ST_OK)
		return ST_INVALID;
	if (opts && opts->maxphyaddr &&
	    (opts->maxphyaddr < MEMMAP_MAXPHYADDR_MIN || opts->maxphyaddr > MEMMAP_MAXPHYADDR_MAX))
		out_log(log, LOG_WARN, "memmap: MAXPHYADDR %u outside %u..%u; %u used",
			opts->maxphyaddr, MEMMAP_MAXPHYADDR_MIN, MEMMAP_MAXPHYADDR_MAX,
			MEMMAP_MAXPHYADDR_MAX);
	size_t n = raw_size / desc_size;
	uint32_t fake_used = 0, cap_left = cap;
	const uint32_t *order =
		memmap_order(raw, n, desc_size, storage, cap, opts ? opts->nfake : 0, &cap_left);
	out->cap = cap_left; /* ranges stay below the order's indices */
	for (size_t i = 0; i < n; i++) {
		struct efi_mem_desc d;
		uint32_t idx = order ? order[i] : (uint32_t)i;
		memmap_read_desc(raw, idx, desc_size, &d);
		status_t st = memmap_add_desc(out, idx, &d, opts, &fake_used, log);
		if (st != ST_OK) {
			out->cap = cap;
			memmap_note_summary(out, log);
			return st;
		}
	}
	out->cap = cap;
	memmap_note_summary(out, log);
	memmap_log_unused_fakes(opts, fake_used, log);
	const struct memmap_stats *st = &out->stats;
	out_log(log, LOG_INFO,
		"memmap: %llu descriptors -> %u ranges (dropped: %u zero-length, "
		"%u past 2^64, %u above MAXPHYADDR, %u misaligned RAM; %u unaligned, %u overlaps, "
		"%u unknown type)",
		U(n), out->count, st->zero, st->wrapped, st->above_max, st->misaligned,
		st->unaligned, st->overlaps, st->unknown);
	return ST_OK;
}

status_t memmap_check(const struct memmap *m, struct out *log)
{
	if (m->count > m->cap) {
		out_log(log, LOG_ERR, "memmap: count %u above %u", m->count, m->cap);
		return ST_INVALID;
	}
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];
		struct range prev = i ? (struct range){ m->r[i - 1].base, m->r[i - 1].end }
				      : (struct range){ 0, 0 };
		const char *why = NULL;
		if ((unsigned)r->kind >= MEM_KIND_COUNT)
			why = "bad kind";
		else if (r->base >= r->end)
			why = "empty";
		else if (!IS_ALIGNED(r->base, PAGE_SIZE) || !IS_ALIGNED(r->end, PAGE_SIZE))
			why = "not page aligned";
		else
			why = range_order_fault(prev, (struct range){ r->base, r->end }, i == 0,
						false);
		if (!why && i > 0 && m->r[i - 1].end == r->base &&
		    memmap_mergeable(&m->r[i - 1], r))
			why = "not merged with the previous range";
		if (why) {
			out_log(log, LOG_ERR, "memmap: range %u [0x%llx-0x%llx): %s", i, U(r->base),
				U(r->end), why);
			return ST_INVALID;
		}
	}
	return ST_OK;
}

uint64_t memmap_pages_of(const struct memmap *m, enum mem_kind k)
{
	uint64_t pages = 0;
	for (uint32_t i = 0; i < m->count; i++)
		if (m->r[i].kind == k)
			pages += bytes_to_pages(m->r[i].end - m->r[i].base);
	return pages;
}

void memmap_print(const struct memmap *m, struct out *o)
{
	for (uint32_t i = 0; i < m->count; i++) {
		const struct mem_range *r = &m->r[i];
		out_printf(o, "  [0x%016llx-0x%016llx) %-12s %10llu pages  %s attr 0x%llx\n",
			   U(r->base), U(r->end), kind_names[r->kind],
			   U(bytes_to_pages(r->end - r->base)), efi_mem_type_name(r->efi_type),
			   U(r->attr));
	}
	for (int k = 0; k < MEM_KIND_COUNT; k++) {
		uint64_t pages = memmap_pages_of(m, (enum mem_kind)k);
		if (pages)
			out_printf(o, "memmap: %-12s %10llu pages (%llu MiB)\n", kind_names[k],
				   U(pages), U(pages >> 8));
	}
	out_printf(o, "memmap: %u ranges\n", m->count);
}

static void memmap_print_desc(uint32_t i, const struct efi_mem_desc *d, struct out *o)
{
	char tname[24];
	const char *name = efi_mem_type_name(d->type);
	if (name[0] == 'U' && !strcmp(name, "Unknown")) {
		fmt_snprintf(tname, sizeof tname, "Unknown(0x%x)", d->type);
		name = tname;
	}
	uint64_t end = d->phys_start + (d->num_pages << EFI_PAGE_SHIFT);
	bool wraps = d->num_pages > (UINT64_MAX >> EFI_PAGE_SHIFT) || end < d->phys_start;
	out_printf(o, "  %3u %-20s [0x%016llx-0x%016llx) %10llu pages attr 0x%016llx%s%s\n", i,
		   name, U(d->phys_start), U(end), U(d->num_pages), U(d->attribute),
		   (d->attribute & EFI_MEMORY_SP) ? " SP" : "", wraps ? " WRAPS" : "");
}

void memmap_print_raw(const void *raw, size_t raw_size, uint32_t desc_size, struct out *o)
{
	const char *why = raw ? memmap_raw_problem(raw_size, desc_size) : "no map";
	if (why) {
		out_printf(o, "memmap: bad map: %s (map %llu bytes, desc_size %u)\n", why,
			   U(raw_size), desc_size);
		return;
	}
	size_t n = raw_size / desc_size;
	uint64_t pages = 0;
	bool overflow = false;
	for (size_t i = 0; i < n; i++) {
		struct efi_mem_desc d;
		memmap_read_desc(raw, i, desc_size, &d);
		memmap_print_desc((uint32_t)i, &d, o);
		overflow |= add_overflows(pages, d.num_pages, &pages);
	}
	if (overflow)
		out_printf(o, "memmap: %llu descriptors, more than 2^64 pages\n", U(n));
	else
		out_printf(o, "memmap: %llu descriptors, %llu pages\n", U(n), U(pages));
}
