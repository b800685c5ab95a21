/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_print.c - `dax list`: regions and devices as indented text in the layout of
 * `daxctl list -RDu` (human-readable sizes), or as one line of JSON (shape in docs/dax.md).
 * Both use daxctl's field names (chardev, size, target_node, align, mode, available_size,
 * online_memblocks, total_memblocks, movable) plus spmk's own (base, state, mapped, owner).
 * Output goes out in pieces shorter than out_printf's 512-byte line limit. */
#include "lib/fmt.h"
#include "mm/dax_internal.h"

/* "1.50 GiB (1.61 GB)" like daxctl -u; integer arithmetic only (no FPU in the kernel). */
static void dax_human_size(uint64_t size, char *buf, size_t len)
{
	static const char *const bin[] = { "KiB", "MiB", "GiB", "TiB" };
	static const char *const dec[] = { "kB", "MB", "GB", "TB" };
	if (size < 1000) {
		fmt_snprintf(buf, len, "%llu B", (unsigned long long)size);
		return;
	}
	int bi = 0, di = 0;
	uint64_t bu = 1024, du = 1000;
	while (bi < 3 && size >= bu * 1024) {
		bu *= 1024;
		bi++;
	}
	while (di < 3 && size >= du * 1000) {
		du *= 1000;
		di++;
	}
	uint64_t bh = (size / bu) * 100 + ((size % bu) * 100 + bu / 2) / bu;
	uint64_t dh = (size / du) * 100 + ((size % du) * 100 + du / 2) / du;
	fmt_snprintf(buf, len, "%llu.%02llu %s (%llu.%02llu %s)", (unsigned long long)(bh / 100),
		     (unsigned long long)(bh % 100), bin[bi], (unsigned long long)(dh / 100),
		     (unsigned long long)(dh % 100), dec[di]);
}

static uint64_t dax_region_available(const struct dax_region *reg)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < reg->nfree; i++)
		n += range_size(reg->free[i]);
	return n;
}

/* Indices of region r's devices (at most DAX_REGION_DEVICES, which dax_check verifies),
 * ordered by their <n>. */
static uint32_t dax_region_devices(const struct dax *d, uint32_t r,
				   uint32_t idx[DAX_REGION_DEVICES])
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < d->cap_devices && n < DAX_REGION_DEVICES; i++) {
		if (!d->devices[i].used || d->devices[i].region != r)
			continue;
		uint32_t j = n++;
		while (j > 0 && d->devices[idx[j - 1]].id > d->devices[i].id) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = i;
	}
	return n;
}

/* `dax list` says claimed or unclaimed (as daxctl users expect); whether the owner's window
 * is mapped is its own field. */
static const char *dax_list_state(const struct dax_device *x)
{
	return x->state == DAX_UNCLAIMED ? "unclaimed" : "claimed";
}

static void dax_print_device_text(const struct dax *d, uint32_t i, struct out *o, bool first)
{
	const struct dax_device *x = &d->devices[i];
	char name[DAX_NAME_MAX], hs[48];
	dax_device_name(d, i, name, sizeof name);
	dax_human_size(x->size, hs, sizeof hs);
	out_printf(o, "%s      {\n", first ? "" : ",\n");
	out_printf(o, "        \"chardev\":\"%s\",\n        \"base\":\"0x%llx\",\n", name,
		   (unsigned long long)x->base);
	out_printf(o, "        \"size\":\"%s\",\n        \"target_node\":%d,\n", hs,
		   d->regions[x->region].target_node);
	out_printf(o, "        \"align\":%llu,\n        \"mode\":\"%s\",\n",
		   (unsigned long long)x->align, dax_mode_str(x->mode));
	if (x->mode == DAX_MODE_SYSTEM_RAM)
		out_printf(o,
			   "        \"online_memblocks\":%u,\n        \"total_memblocks\":%u,\n"
			   "        \"movable\":%s,\n",
			   x->online_blocks, x->total_blocks, x->movable ? "true" : "false");
	out_printf(o, "        \"state\":\"%s\",\n        \"mapped\":%s", dax_list_state(x),
		   x->state == DAX_MAPPED ? "true" : "false");
	if (x->state != DAX_UNCLAIMED)
		out_printf(o, ",\n        \"owner\":\"%s\"", x->owner);
	out_printf(o, "\n      }");
}

static void dax_print_region_text(const struct dax *d, uint32_t r, struct out *o)
{
	const struct dax_region *reg = &d->regions[r];
	char hs[48], av[48];
	dax_human_size(reg->size, hs, sizeof hs);
	dax_human_size(dax_region_available(reg), av, sizeof av);
	out_printf(o, "%s  {\n    \"id\":%u,\n    \"base\":\"0x%llx\",\n", r ? ",\n" : "", r,
		   (unsigned long long)reg->base);
	out_printf(o, "    \"size\":\"%s\",\n    \"align\":%llu,\n", hs,
		   (unsigned long long)reg->align);
	out_printf(o, "    \"target_node\":%d,\n    \"available_size\":\"%s\",\n", reg->target_node,
		   av);
	out_printf(o, "    \"devices\":[\n");
	uint32_t idx[DAX_REGION_DEVICES];
	uint32_t n = dax_region_devices(d, r, idx);
	for (uint32_t k = 0; k < n; k++)
		dax_print_device_text(d, idx[k], o, k == 0);
	out_printf(o, "%s    ]\n  }", n ? "\n" : "");
}

static void dax_print_device_json(const struct dax *d, uint32_t i, struct out *o, bool first)
{
	const struct dax_device *x = &d->devices[i];
	char name[DAX_NAME_MAX];
	dax_device_name(d, i, name, sizeof name);
	out_printf(o,
		   "%s{\"chardev\":\"%s\",\"base\":\"0x%llx\",\"size\":%llu,\"target_node\":%d,"
		   "\"align\":%llu,\"mode\":\"%s\",",
		   first ? "" : ",", name, (unsigned long long)x->base, (unsigned long long)x->size,
		   d->regions[x->region].target_node, (unsigned long long)x->align,
		   dax_mode_str(x->mode));
	if (x->mode == DAX_MODE_SYSTEM_RAM)
		out_printf(o, "\"online_memblocks\":%u,\"total_memblocks\":%u,\"movable\":%s,",
			   x->online_blocks, x->total_blocks, x->movable ? "true" : "false");
	out_printf(o, "\"state\":\"%s\",\"mapped\":%s,", dax_list_state(x),
		   x->state == DAX_MAPPED ? "true" : "false");
	if (x->state == DAX_UNCLAIMED)
		out_printf(o, "\"owner\":null}");
	else
		out_printf(o, "\"owner\":\"%s\"}", x->owner);
}

static void dax_print_region_json(const struct dax *d, uint32_t r, struct out *o)
{
	const struct dax_region *reg = &d->regions[r];
	out_printf(o,
		   "%s{\"id\":%u,\"base\":\"0x%llx\",\"size\":%llu,\"align\":%llu,"
		   "\"target_node\":%d,\"available_size\":%llu,\"devices\":[",
		   r ? "," : "", r, (unsigned long long)reg->base, (unsigned long long)reg->size,
		   (unsigned long long)reg->align, reg->target_node,
		   (unsigned long long)dax_region_available(reg));
	uint32_t idx[DAX_REGION_DEVICES];
	uint32_t n = dax_region_devices(d, r, idx);
	for (uint32_t k = 0; k < n; k++)
		dax_print_device_json(d, idx[k], o, k == 0);
	out_printf(o, "]}");
}

void dax_list_print_locked(const struct dax *d, struct out *out, bool json)
{
	if (json) {
		out_printf(out, "{\"regions\":[");
		for (uint32_t r = 0; r < d->nregions; r++)
			dax_print_region_json(d, r, out);
		out_printf(out, "]}\n");
		return;
	}
	out_printf(out, "[\n");
	for (uint32_t r = 0; r < d->nregions; r++)
		dax_print_region_text(d, r, out);
	out_printf(out, "%s]\n", d->nregions ? "\n" : "");
}
