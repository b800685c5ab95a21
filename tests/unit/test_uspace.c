/* SPDX-License-Identifier: BSD-2-Clause */
/* test_uspace.c - host tests of system-call argument checking: mm/uspace.c (the checked
 * copies) and VM_USER in mm/vm.c over the real page-table code in a malloc'd arena, with an
 * app's pages mapped in its lower half and every kind of bad pointer a system call can be
 * given; mm/uargs.c (handles, memory requests); the status -> error value mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "include/spmk/errors.h"
#include "include/spmk/memory.h"
#include "mm/uargs.h"
#include "mm/uspace.h"

#define ARENA_PAGES 256
#define UVA 0x0000000000400000ull           /* app page 0; +1 page read-only; +2 supervisor-only */
#define DATA_PA (128ull * PAGE_SIZE)        /* app data pages live at arena page 128 and up */
#define UNREACHABLE_PA (200ull * PAGE_SIZE) /* the accessor refuses this page (like SP memory) */

struct fixture {
	uint8_t *mem;
	uint64_t next_table; /* tables come from arena pages 1..127 */
	struct vm_ops ops;
	struct vm_space vm;
	struct uspace u;
};

static status_t t_alloc(void *ctx, paddr_t *phys)
{
	struct fixture *f = ctx;
	if (f->next_table >= 128)
		return ST_NOMEM;
	*phys = pa_of(f->next_table++ * PAGE_SIZE);
	return ST_OK;
}
static void t_free(void *ctx, paddr_t phys) { (void)ctx, (void)phys.v; }
static void *t_virt(void *ctx, paddr_t phys) { return ((struct fixture *)ctx)->mem + phys.v; }
static void t_flush_page(void *ctx, uint64_t va) { (void)ctx, (void)va; }
static void t_flush_all(void *ctx) { (void)ctx; }
static void *t_phys(void *ctx, uint64_t pa)
{
	struct fixture *f = ctx;
	if (pa >= (uint64_t)ARENA_PAGES * PAGE_SIZE || ALIGN_DOWN(pa, PAGE_SIZE) == UNREACHABLE_PA)
		return NULL;
	return f->mem + pa;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->mem = aligned_alloc(PAGE_SIZE, (size_t)ARENA_PAGES * PAGE_SIZE);
	memset(f->mem, 0, (size_t)ARENA_PAGES * PAGE_SIZE);
	f->next_table = 1;
	f->ops = (struct vm_ops){
		.alloc_table = t_alloc,
		.free_table = t_free,
		.phys_to_virt = t_virt,
		.flush_page = t_flush_page,
		.flush_all = t_flush_all,
		.ctx = f,
	};
	assert_int_equal(vm_space_init(&f->vm, &f->ops), ST_OK);
	/* page 0 user rw, page 1 user read-only, page 2 supervisor-only, page 3 unmapped,
	 * page 4 user rw but unreachable by the kernel */
	assert_int_equal(vm_map(&f->vm, va_of(UVA), pa_of(DATA_PA), 2 * PAGE_SIZE,
				VM_USER | VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	assert_int_equal(vm_protect(&f->vm, va_of(UVA + PAGE_SIZE), PAGE_SIZE, VM_USER), ST_OK);
	assert_int_equal(vm_map(&f->vm, va_of(UVA + 2 * PAGE_SIZE), pa_of(DATA_PA + 2 * PAGE_SIZE),
				PAGE_SIZE, VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	assert_int_equal(vm_map(&f->vm, va_of(UVA + 4 * PAGE_SIZE), pa_of(UNREACHABLE_PA),
				PAGE_SIZE, VM_USER | VM_WRITE, VM_PAGE_4K),
			 ST_OK);
	f->u = (struct uspace){ &f->vm, t_phys, f };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	free(f->mem);
	free(f);
	return 0;
}

/* VM_USER sets US on the leaf and on every table above it; the kernel half refuses it. */
static void test_user_bits(void **state)
{
	struct fixture *f = *state;
	uint64_t phys = f->vm.pml4_phys.v;
	for (int l = 4; l >= 1; l--) {
		uint64_t e = ((uint64_t *)(f->mem + phys))[(UVA >> (12 + 9 * (l - 1))) & 511];
		assert_true(e & VM_PTE_P);
		assert_true(e & VM_PTE_US);
		phys = e & VM_PTE_ADDR;
	}
	unsigned flags;
	assert_int_equal(vm_translate(&f->vm, va_of(UVA), 0, &flags, 0), ST_OK);
	assert_int_equal(flags & (VM_USER | VM_WRITE), VM_USER | VM_WRITE);
	assert_int_equal(vm_translate(&f->vm, va_of(UVA + 2 * PAGE_SIZE), 0, &flags, 0), ST_OK);
	assert_int_equal(flags & VM_USER, 0);
	assert_int_equal(vm_map(&f->vm, va_of(0xffffc00000000000ull), pa_of(DATA_PA), PAGE_SIZE,
				VM_USER, VM_PAGE_4K),
			 ST_RANGE);
	assert_int_equal(vm_protect(&f->vm, va_of(0xffffc00000000000ull), PAGE_SIZE, VM_USER),
			 ST_RANGE);
}

static void test_copy_round_trip(void **state)
{
	struct fixture *f = *state;
	char out[100], in[100] = { 0 };
	for (int i = 0; i < 100; i++)
		out[i] = (char)(i * 7);
	/* crosses from page 0 into page 1 for the read; writes stay in page 0 */
	assert_int_equal(uspace_copy_out(&f->u, UVA + PAGE_SIZE - 100, out, 100), ST_OK);
	assert_memory_equal(f->mem + DATA_PA + PAGE_SIZE - 100, out, 100);
	memcpy(f->mem + DATA_PA + PAGE_SIZE, "tail", 4);
	assert_int_equal(uspace_copy_in(&f->u, in, UVA + PAGE_SIZE - 50, 54), ST_OK);
	assert_memory_equal(in, out + 50, 50);
	assert_memory_equal(in + 50, "tail", 4);
	assert_int_equal(uspace_copy_in(&f->u, in, 0, 0), ST_OK); /* len 0 needs no page */
}

static void test_bad_pointers(void **state)
{
	struct fixture *f = *state;
	char buf[16];
	memset(buf, 0x5a, sizeof buf);
	/* the kernel half, whether mapped or not */
	assert_int_equal(uspace_copy_in(&f->u, buf, 0xffffffff80100000ull, 8), ST_RANGE);
	assert_int_equal(uspace_copy_out(&f->u, 0xffff800000000000ull, buf, 8), ST_RANGE);
	/* non-canonical and the last bytes below the hole */
	assert_int_equal(uspace_copy_in(&f->u, buf, 0x0000800000000000ull, 1), ST_RANGE);
	assert_int_equal(uspace_copy_in(&f->u, buf, USPACE_END - 4, 8), ST_RANGE);
	/* wrapping lengths */
	assert_int_equal(uspace_copy_in(&f->u, buf, UVA, UINT64_MAX), ST_RANGE);
	assert_int_equal(uspace_copy_out(&f->u, UVA + 8, buf, UINT64_MAX - 4), ST_RANGE);
	/* unmapped (page 3, and NULL) */
	assert_int_equal(uspace_copy_in(&f->u, buf, UVA + 3 * PAGE_SIZE, 8), ST_FAULT);
	assert_int_equal(uspace_copy_in(&f->u, buf, 0, 8), ST_FAULT);
	/* supervisor-only (page 2), and a range that runs into it from a good page */
	assert_int_equal(uspace_copy_in(&f->u, buf, UVA + 2 * PAGE_SIZE, 8), ST_FAULT);
	assert_int_equal(uspace_copy_in(&f->u, buf, UVA + 2 * PAGE_SIZE - 4, 8), ST_FAULT);
	/* read-only for a write; and nothing was written on the way */
	memset(f->mem + DATA_PA + PAGE_SIZE - 8, 0, 16);
	assert_int_equal(uspace_copy_out(&f->u, UVA + PAGE_SIZE - 8, buf, 16), ST_FAULT);
	for (int i = 0; i < 16; i++)
		assert_int_equal(f->mem[DATA_PA + PAGE_SIZE - 8 + i], 0);
	/* mapped for the app but not reachable by the kernel */
	assert_int_equal(uspace_copy_in(&f->u, buf, UVA + 4 * PAGE_SIZE, 8), ST_FAULT);
	assert_int_equal(uspace_validate(&f->u, UVA + 4 * PAGE_SIZE, 8, true), ST_OK);
	/* dst untouched by every refusal */
	for (int i = 0; i < 16; i++)
		assert_int_equal((uint8_t)buf[i], 0x5a);
}

static void test_copy_str(void **state)
{
	struct fixture *f = *state;
	char s[16];
	memcpy(f->mem + DATA_PA, "dax0.0", 7);
	assert_int_equal(uspace_copy_str(&f->u, s, sizeof s, UVA), ST_OK);
	assert_string_equal(s, "dax0.0");
	/* no NUL within max */
	memset(f->mem + DATA_PA + 64, 'x', 32);
	assert_int_equal(uspace_copy_str(&f->u, s, sizeof s, UVA + 64), ST_RANGE);
	assert_string_equal(s, "");
	/* a string that runs into the supervisor-only page */
	memset(f->mem + DATA_PA + 2 * PAGE_SIZE - 4, 'y', 4);
	assert_int_equal(uspace_copy_str(&f->u, s, sizeof s, UVA + 2 * PAGE_SIZE - 4), ST_FAULT);
	assert_int_equal(uspace_copy_str(&f->u, s, 0, UVA), ST_RANGE);
	assert_int_equal(uspace_copy_str(&f->u, s, sizeof s, 0xffffffff80000000ull), ST_RANGE);
}

/* Handles: only slot | gen << 8 with a slot in range decodes; everything else is EBADF. */
static void test_handles(void **state)
{
	(void)state;
	unsigned slot;
	uint32_t gen;
	long h = uargs_handle(5, 0x123456);
	assert_true(h > 0);
	assert_int_equal(uargs_handle_decode((uint64_t)h, 16, &slot, &gen), 0);
	assert_int_equal(slot, 5);
	assert_int_equal(gen, 0x123456);
	/* the top generation bit is dropped so handles stay positive */
	assert_true(uargs_handle(15, 0xffffffffu) > 0);
	assert_int_equal(uargs_handle_decode(16, 16, &slot, &gen), -SPMK_EBADF);
	assert_int_equal(uargs_handle_decode((uint64_t)-1, 16, &slot, &gen), -SPMK_EBADF);
	assert_int_equal(uargs_handle_decode(1ull << 40, 16, &slot, &gen), -SPMK_EBADF);
	assert_int_equal(uargs_handle_decode(0x80000000ull, 16, &slot, &gen), -SPMK_EBADF);
}

static void test_mem_requests(void **state)
{
	(void)state;
	uint64_t pages = 99;
	assert_int_equal(uargs_mem_alloc(1, SPMK_NODE_ANY, 0, 2, &pages), 0);
	assert_int_equal(pages, 1);
	assert_int_equal(uargs_mem_alloc(8193, 1, SPMK_MEM_MOVABLE | SPMK_MEM_THISNODE, 2, &pages),
			 0);
	assert_int_equal(pages, 3);
	pages = 99;
	assert_int_equal(uargs_mem_alloc(0, 0, 0, 2, &pages), -SPMK_EINVAL);
	assert_int_equal(uargs_mem_alloc(4096, 0, 0x80, 2, &pages), -SPMK_EINVAL);
	assert_int_equal(uargs_mem_alloc(4096, 2, 0, 2, &pages), -SPMK_ERANGE);
	assert_int_equal(uargs_mem_alloc(4096, -2, 0, 2, &pages), -SPMK_ERANGE);
	assert_int_equal(uargs_mem_alloc(4096, INT64_MIN, 0, 2, &pages), -SPMK_ERANGE);
	assert_int_equal(uargs_mem_alloc(4096, SPMK_NODE_ANY, SPMK_MEM_THISNODE, 2, &pages),
			 -SPMK_EINVAL);
	assert_int_equal(uargs_mem_alloc(UARGS_MEM_MAX + 1, 0, 0, 2, &pages), -SPMK_ENOMEM);
	assert_int_equal(uargs_mem_alloc(UINT64_MAX, 0, 0, 2, &pages), -SPMK_ENOMEM);
	assert_int_equal(pages, 99); /* untouched by every refusal */
}

static void test_errno(void **state)
{
	(void)state;
	assert_int_equal(uspace_errno(ST_OK), 0);
	assert_int_equal(uspace_errno(ST_FAULT), SPMK_EFAULT);
	assert_int_equal(uspace_errno(ST_RANGE), SPMK_ERANGE);
	assert_int_equal(uspace_errno(ST_BUSY), SPMK_EBUSY);
	assert_int_equal(uspace_errno(ST_PERM), SPMK_EPERM);
	assert_int_equal(uspace_errno(ST_NOTFOUND), SPMK_ENOENT);
	assert_int_equal(uspace_errno(ST_INTERRUPTED), SPMK_EINTR);
	assert_int_equal(uspace_errno(ST_CHECKSUM), SPMK_EIO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_user_bits, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_pointers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_str, setup, teardown),
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_mem_requests),
		cmocka_unit_test(test_errno),
	};
	return cmocka_run_group_tests(tests, 0, 0);
}
