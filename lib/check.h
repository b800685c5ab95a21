/* SPDX-License-Identifier: BSD-2-Clause */
/* check.h - promises the code checks: CHECK (always on) and ASSERT (debug builds only).
 *
 * CHECK(cond) states something that cannot be false unless spmk itself is wrong: a commit step
 * whose preconditions were validated, an invariant a caller bug could break. It is evaluated in
 * every build. When it is false the kernel panics with the expression, its place and a backtrace
 * (kernel/panic.c); a host build prints the same and aborts (lib/check.c).
 *
 * CHECK_OP(a, op, b) is CHECK(a op b) for integers and also prints both values, so a failure
 * says which numbers disagreed. CHECK_OK(expr) checks that a status_t expression is ST_OK and
 * prints the status it was.
 *
 * ASSERT and ASSERT_OP are the same checks for hot paths, compiled only when SPMK_DEBUG is
 * defined (the build that tests run); elsewhere their operands are not evaluated.
 *
 * Never use either for input from firmware, a user or an application: that is validated and
 * answered with a status. */
#ifndef SPMK_LIB_CHECK_H
#define SPMK_LIB_CHECK_H

#include <stdint.h>

#include "lib/status.h"

/* Report a failed check and stop: never returns. expr is the checked text; when op is not
 * NULL, a and b are the two operands of a CHECK_OP (printed in hex and decimal). */
__attribute__((noreturn, cold)) void check_fail(const char *file, int line, const char *expr,
						const char *op, uint64_t a, uint64_t b);

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (__builtin_expect(!(cond), 0))                                                  \
			check_fail(__FILE__, __LINE__, #cond, (const char *)0, 0, 0);              \
	} while (0)

#define CHECK_OP(a, op, b)                                                                         \
	do {                                                                                       \
		uint64_t check_a_ = (uint64_t)(a), check_b_ = (uint64_t)(b);                       \
		if (__builtin_expect(!(check_a_ op check_b_), 0))                                  \
			check_fail(__FILE__, __LINE__, #a " " #op " " #b, #op, check_a_,           \
				   check_b_);                                                      \
	} while (0)

#define CHECK_OK(expr)                                                                             \
	do {                                                                                       \
		status_t check_s_ = (expr);                                                        \
		if (__builtin_expect(check_s_ != ST_OK, 0))                                        \
			check_fail(__FILE__, __LINE__, #expr " == ST_OK", "status",                \
				   (uint64_t)check_s_, (uint64_t)ST_OK);                           \
	} while (0)

#ifdef SPMK_DEBUG
#define ASSERT(cond) CHECK(cond)
#define ASSERT_OP(a, op, b) CHECK_OP(a, op, b)
#else
#define ASSERT(cond) ((void)sizeof(!(cond)))
#define ASSERT_OP(a, op, b) ((void)sizeof((a)op(b)))
#endif

#endif
