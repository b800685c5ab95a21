/* SPDX-License-Identifier: BSD-2-Clause */
/* status.h - the status codes every spmk function returns by value.
 *
 * Results travel through out-parameters; a status says only whether and why it failed.
 * The message that explains a failure (with its numbers) is printed once, at the edge. */
#ifndef SPMK_LIB_STATUS_H
#define SPMK_LIB_STATUS_H

typedef enum {
	ST_OK = 0,
	ST_INVALID,     /* an argument or input is malformed */
	ST_RANGE,       /* a value is outside what is allowed */
	ST_NOMEM,       /* no memory (or no free block) to satisfy the request */
	ST_NOTFOUND,    /* the named thing does not exist */
	ST_BUSY,        /* the object is in a state that forbids the operation */
	ST_PERM,        /* the caller does not own the object (stale or foreign handle) */
	ST_EXISTS,      /* the thing already exists */
	ST_CHECKSUM,    /* a checksum did not verify */
	ST_TRUNCATED,   /* input ends before the structure it claims to hold */
	ST_UNSUPPORTED, /* a valid request this build or machine cannot perform */
	ST_FAULT,       /* an access faulted (reported by the fault handler) */
	ST_INTERRUPTED, /* the user stopped a long operation (lib/cancel.h) */
	ST_COUNT
} status_t;

const char *status_str(status_t s);

#endif
