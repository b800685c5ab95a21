/* SPDX-License-Identifier: BSD-2-Clause */
/* test_spinlock.c - ticket spinlocks under threads, and the lock-order checker. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/spinlock.h"
#include "test_main.h"

#define THREADS 4
#define ROUNDS 20000

static struct spinlock counter_lock = SPINLOCK_INIT("counter", LOCK_RANK_NONE);
static uint64_t counter; /* plain: only the lock makes the increments exact */

static void *bump(void *arg)
{
	(void)arg;
	for (int i = 0; i < ROUNDS; i++) {
		spin_lock(&counter_lock);
		uint64_t v = counter;
		counter = v + 1;
		spin_unlock(&counter_lock);
	}
	return NULL;
}

static void test_threads_exact(void **state)
{
	(void)state;
	pthread_t t[THREADS];
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&t[i], NULL, bump, NULL), 0);
	for (int i = 0; i < THREADS; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(counter, (uint64_t)THREADS * ROUNDS);
	assert_false(spin_held(&counter_lock));
}

static void test_trylock_and_held(void **state)
{
	(void)state;
	struct spinlock l;
	spin_init(&l, "l", LOCK_RANK_BUDDY);
	assert_true(spin_trylock(&l));
	assert_true(spin_held(&l));
	assert_false(spin_trylock(&l));
	spin_unlock(&l);
	assert_false(spin_held(&l));
	uint64_t f = spin_lock_irqsave(&l);
	assert_true(spin_held(&l));
	spin_unlock_irqrestore(&l, f);
	assert_true(spin_trylock(&l));
	spin_unlock(&l);
}

/* Nested locks in rank order are fine; `bad` takes them the other way round. */
static void nest(int bad)
{
	struct spinlock a, b;
	spin_init(&a, "dax", LOCK_RANK_DAX);
	spin_init(&b, "buddy", LOCK_RANK_BUDDY);
	struct spinlock *first = bad ? &b : &a, *second = bad ? &a : &b;
	spin_lock(first);
	spin_lock(second);
	spin_unlock(second);
	spin_unlock(first);
}

/* Per-CPU cache locks nest in increasing address order only. */
static void nest_pcp(int bad)
{
	struct spinlock l[2];
	spin_init(&l[0], "pcp", LOCK_RANK_PCP);
	spin_init(&l[1], "pcp", LOCK_RANK_PCP);
	spin_lock(&l[bad ? 1 : 0]);
	spin_lock(&l[bad ? 0 : 1]);
	spin_unlock(&l[0]);
	spin_unlock(&l[1]);
}

static char child_err[512]; /* what the last child wrote to stderr */

static int exit_signal(void (*fn)(int), int arg)
{
	int fd[2];
	assert_int_equal(pipe(fd), 0);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fd[1], 2);
		fn(arg);
		_exit(0);
	}
	close(fd[1]);
	size_t n = 0;
	ssize_t k;
	while (n + 1 < sizeof child_err &&
	       (k = read(fd[0], child_err + n, sizeof child_err - 1 - n)) > 0)
		n += (size_t)k;
	child_err[n] = 0;
	close(fd[0]);
	int st = 0;
	waitpid(pid, &st, 0);
	return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static void test_lock_order(void **state)
{
	(void)state;
	assert_int_equal(exit_signal(nest, 0), 0);
#ifdef SPMK_DEBUG
	assert_int_equal(exit_signal(nest, 1), SIGABRT);
	/* the report names both locks and their ranks */
	assert_non_null(strstr(child_err, "lock order: CPU "));
	assert_non_null(
		strstr(child_err, " takes dax (rank DAX) while holding buddy (rank BUDDY)"));
#endif
	assert_int_equal(exit_signal(nest_pcp, 0), 0);
#ifdef SPMK_DEBUG
	assert_int_equal(exit_signal(nest_pcp, 1), SIGABRT);
	assert_non_null(strstr(child_err, "takes pcp (rank PCP) while holding pcp (rank PCP)"));
#endif
}

TEST_MAIN(cmocka_unit_test(test_threads_exact), cmocka_unit_test(test_trylock_and_held),
	  cmocka_unit_test(test_lock_order))
