/* SPDX-License-Identifier: BSD-2-Clause */
/* dax_own.c - ownership of dax devices: claim, map, release, the active owner (which window
 * mappings are present), owner access and fault attribution. State table in mm/dax.h.
 *
 * Invariant kept here: dev->live == (dev->state == DAX_MAPPED && dev->owner == d->active);
 * a device's window is mapped in the page tables exactly when dev->live. */
#include "lib/cancel.h"
#include "lib/check.h"
#include "lib/fmt.h"
#include "mm/dax_internal.h"

bool dax_owner_valid(const char *owner)
{
	if (!owner)
		return false;
	size_t n = strnlen(owner, DAX_OWNER_MAX + 1);
	if (n == 0 || n > DAX_OWNER_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = owner[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '@' ||
			  c == '+' || c == '-';
		if (!ok)
			return false;
	}
	return true;
}

static void dax_log_bad_owner(struct dax *d, const char *op)
{
	out_log(d->log, LOG_ERR, "dax %s: owner must be 1..%u characters of [A-Za-z0-9_.:@+-]", op,
		DAX_OWNER_MAX);
}

status_t dax_handle_validate(struct dax *d, struct dax_handle h, const char *op,
			     struct dax_device **out)
{
	struct dax_device *x = dax_dev(d, h.index);
	if (!x || x->state == DAX_UNCLAIMED || x->gen != h.gen) {
		out_log(d->log, LOG_ERR, "dax %s: stale or foreign handle (index %u, gen %u)", op,
			h.index, h.gen);
		return ST_PERM;
	}
	*out = x;
	return ST_OK;
}

status_t dax_claim_locked(struct dax *d, uint32_t dev, const char *owner, struct dax_handle *h)
{
	struct dax_device *x = dax_dev(d, dev);
	char name[DAX_NAME_MAX];
	if (!x) {
		out_log(d->log, LOG_ERR, "dax claim: no device at index %u", dev);
		return ST_NOTFOUND;
	}
	if (!dax_owner_valid(owner)) {
		dax_log_bad_owner(d, "claim");
		return ST_INVALID;
	}
	dax_device_name(d, dev, name, sizeof name);
	if (x->mode != DAX_MODE_DEVDAX) {
		out_log(d->log, LOG_ERR, "dax claim: %s is in %s mode", name,
			dax_mode_str(x->mode));
		return ST_BUSY;
	}
	if (x->state != DAX_UNCLAIMED) {
		out_log(d->log, LOG_ERR, "dax claim: %s is already %s by '%s'", name,
			dax_state_str(x->state), x->owner);
		return ST_BUSY;
	}
	if (dax_dirty_cut_room(d, range_of(pa_of(x->base), x->size)) != ST_OK)
		return ST_NOMEM; /* grown with the lock dropped, then run again */
	dax_dirty_scrub(d, range_of(pa_of(x->base), x->size));
	ASSERT_OP(dax_dirty_bytes_locked(d, range_of(pa_of(x->base), x->size)), ==, 0);
	x->state = DAX_CLAIMED;
	memcpy(x->owner, owner, strlen(owner) + 1);
	x->gen = dax_gen_fresh(d);
	*h = (struct dax_handle){ dev, x->gen };
	return ST_OK;
}

static bool dax_is_active(const struct dax *d, const struct dax_device *x)
{
	return d->active[0] && strcmp(x->owner, d->active) == 0;
}

static status_t dax_window_map(struct dax *d, struct dax_device *x)
{
	return d->ops->map(d->ops->ctx, va_of(x->window), pa_of(x->base), x->size,
			   MIN(x->align, d->window_page));
}

/* Removes x's window mapping; what the owner wrote through it joins x->written. */
static void dax_window_unmap(struct dax *d, struct dax_device *x)
{
	d->ops->unmap(d->ops->ctx, va_of(x->window), x->size, dax_written_note, x);
}

status_t dax_map_locked(struct dax *d, struct dax_handle h)
{
	struct dax_device *x;
	char name[DAX_NAME_MAX];
	status_t st = dax_handle_validate(d, h, "map", &x);
	if (st != ST_OK)
		return st;
	dax_device_name(d, h.index, name, sizeof name);
	if (x->state == DAX_MAPPED) {
		out_log(d->log, LOG_ERR, "dax map: %s is already mapped at 0x%llx", name,
			(unsigned long long)x->window);
		return ST_BUSY;
	}
	bool live = dax_is_active(d, x);
	if (live && (st = dax_window_map(d, x)) != ST_OK) {
		out_log(d->log, LOG_ERR, "dax map: mapping %s (0x%llx bytes at 0x%llx) failed: %s",
			name, (unsigned long long)x->size, (unsigned long long)x->window,
			status_str(st));
		return st;
	}
	x->state = DAX_MAPPED;
	x->live = live;
	return ST_OK;
}

/* Zeroes the extents in w[0..n) in DAX_SCRUB_CHUNK pieces with a cancel point between them;
 * on a stop, w is left holding what was not zeroed. Returns the bytes zeroed. */
static uint64_t dax_scrub_written(struct dax *d, struct range *w, uint32_t n)
{
	uint64_t total = 0, done = 0;
	for (uint32_t i = 0; i < n; i++)
		total += range_size(w[i]);
	for (uint32_t i = 0; i < n; i++) {
		while (w[i].base < w[i].end && !(done && cancel_point(done, total))) {
			uint64_t len = MIN(DAX_SCRUB_CHUNK, range_size(w[i]));
			/* the releasing owner's writes */
			d->ops->scrub(d->ops->ctx, range_of(pa_of(w[i].base), len));
			w[i].base += len;
			done += len;
		}
		if (w[i].base < w[i].end)
			break;
	}
	return done;
}

status_t dax_note_written_locked(struct dax *d, struct dax_handle h, struct range w)
{
	struct dax_device *x;
	status_t st = dax_handle_validate(d, h, "note written", &x);
	if (st != ST_OK)
		return st;
	if (w.end < w.base || !range_contains(range_of(pa_of(x->base), x->size), w))
		return ST_RANGE;
	dax_written_add(x, w);
	return ST_OK;
}

/* Release in three steps so that no CPU waits on the dax lock while a device is scrubbed
 * (docs/locking.md): under the lock the claim ends for its owner (handle stale, window
 * unmapped, what it wrote taken) while the device stays CLAIMED, so nobody else can claim,
 * map or destroy it; the scrub of what the owner wrote runs unlocked; under the lock again
 * the device becomes UNCLAIMED. */
status_t dax_release(struct dax *d, struct dax_handle h)
{
	struct dax_device *x;
	spin_lock(&d->lock);
	status_t st = dax_handle_validate(d, h, "release", &x);
	if (st != ST_OK) {
		spin_unlock(&d->lock);
		return st;
	}
	ASSERT(x->live == (x->state == DAX_MAPPED && dax_is_active(d, x)));
	if (x->live)
		dax_window_unmap(d, x);
	/* what the owner wrote, taken while the device is still its own */
	struct range left[DAX_MAX_WRITTEN];
	uint32_t nleft = x->nwritten;
	memcpy(left, x->written, nleft * sizeof left[0]);
	x->nwritten = 0;
	x->live = false;
	x->state = DAX_CLAIMED;
	x->gen = dax_gen_fresh(d); /* the owner's handle is stale from here on */
	spin_unlock(&d->lock);
	uint64_t scrubbed = dax_scrub_written(d, left, nleft);
	struct dax_grow g = { { 0 }, 0 }; /* this release's own wants */
	spin_lock(&d->lock);
	d->release_scrubbed = scrubbed;
	x = dax_dev(d, h.index); /* the table may have grown meanwhile */
	/* a stop left the rest of the writes to the deferred scrub (which takes only unclaimed
	 * memory); what finds no extent is zeroed now, unlocked, while the device stays CLAIMED */
	x->state = DAX_UNCLAIMED;
	uint32_t now = 0;
	dax_grow_begin(d, &g);
	for (uint32_t i = 0; i < nleft; i++)
		if (left[i].base < left[i].end && dax_defer_scrub_locked(d, left[i]) != ST_OK)
			left[now++] = left[i];
	dax_grow_end(d);
	if (now) {
		x->state = DAX_CLAIMED;
		spin_unlock(&d->lock);
		for (uint32_t i = 0; i < now; i++)
			d->ops->scrub(d->ops->ctx, left[i]);
		spin_lock(&d->lock);
		x = dax_dev(d, h.index);
		x->state = DAX_UNCLAIMED;
	}
	memset(x->owner, 0, sizeof x->owner); /* its gen is already fresh */
	spin_unlock(&d->lock);
	/* a full deferred-scrub table made the rest be zeroed now: grow it for the next time
	 * (a refusal changes nothing: the rest is zeroed already) */
	dax_grow_wanted(d, &g);
	return ST_OK;
}

static bool dax_owner_is(const struct dax_device *x, const char *owner)
{
	return owner[0] && strcmp(x->owner, owner) == 0;
}

status_t dax_activate_locked(struct dax *d, const char *owner)
{
	if (!owner)
		owner = "";
	if (owner[0] && !dax_owner_valid(owner)) {
		dax_log_bad_owner(d, "activate");
		return ST_INVALID;
	}
	/* Map the new owner's devices first; on failure undo exactly those. */
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		struct dax_device *x = &d->devices[i];
		if (!x->used || x->state != DAX_MAPPED || x->live || !dax_owner_is(x, owner))
			continue;
		status_t st = dax_window_map(d, x);
		if (st == ST_OK)
			continue;
		out_log(d->log, LOG_ERR,
			"dax activate: mapping device index %u for '%s' failed: %s", i, owner,
			status_str(st));
		for (uint32_t j = 0; j < i; j++) {
			struct dax_device *y = &d->devices[j];
			if (y->used && y->state == DAX_MAPPED && !y->live && dax_owner_is(y, owner))
				dax_window_unmap(d, y);
		}
		return st;
	}
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		struct dax_device *x = &d->devices[i];
		if (!x->used || x->state != DAX_MAPPED)
			continue;
		bool want = dax_owner_is(x, owner);
		if (x->live && !want)
			dax_window_unmap(d, x);
		x->live = want;
	}
	memset(d->active, 0, sizeof d->active);
	memcpy(d->active, owner, strlen(owner));
	return ST_OK;
}

status_t dax_handle_for_locked(const struct dax *d, uint32_t dev, const char *owner,
			       struct dax_handle *h)
{
	const struct dax_device *x = dax_device_get(d, dev);
	if (!x)
		return ST_NOTFOUND;
	if (x->state == DAX_UNCLAIMED || !owner || strcmp(x->owner, owner) != 0)
		return ST_PERM;
	*h = (struct dax_handle){ dev, x->gen };
	return ST_OK;
}

status_t dax_access_ptr_locked(const struct dax *d, struct dax_handle h, uint64_t offset,
			       uint64_t len, uint64_t *va_out)
{
	const struct dax_device *x = dax_device_get(d, h.index);
	if (!x || x->state == DAX_UNCLAIMED || x->gen != h.gen)
		return ST_PERM;
	if (x->state != DAX_MAPPED)
		return ST_BUSY;
	if (!dax_is_active(d, x))
		return ST_PERM;
	uint64_t end;
	if (add_overflows(offset, len, &end) || end > x->size)
		return ST_RANGE;
	*va_out = x->window + offset;
	return ST_OK;
}

status_t dax_fault_lookup_locked(const struct dax *d, vaddr_t virt, uint32_t *dev_out)
{
	uint64_t va = virt.v;
	for (uint32_t i = 0; i < d->cap_devices; i++) {
		const struct dax_device *x = &d->devices[i];
		if (x->used && va >= x->window && va - x->window < x->size) {
			*dev_out = i;
			return ST_OK;
		}
	}
	return ST_NOTFOUND;
}

status_t dax_fault_describe_locked(const struct dax *d, vaddr_t va, char *buf, size_t len)
{
	uint32_t dev;
	if (dax_fault_lookup_locked(d, va, &dev) != ST_OK)
		return ST_NOTFOUND;
	const struct dax_device *x = &d->devices[dev];
	char name[DAX_NAME_MAX], who[DAX_OWNER_MAX + 8];
	dax_device_name(d, dev, name, sizeof name);
	if (d->active[0])
		fmt_snprintf(who, sizeof who, "'%s'", d->active);
	else
		fmt_snprintf(who, sizeof who, "no owner");
	if (x->state == DAX_UNCLAIMED)
		fmt_snprintf(buf, len, "ownership violation: %s is unclaimed, accessed as %s", name,
			     who);
	else if (x->state == DAX_CLAIMED)
		fmt_snprintf(buf, len,
			     "ownership violation: %s owned by '%s' is not mapped, "
			     "accessed as %s",
			     name, x->owner, who);
	else
		fmt_snprintf(buf, len, "ownership violation: %s owned by '%s', accessed as %s",
			     name, x->owner, who);
	return ST_OK;
}
