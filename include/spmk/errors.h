/* SPDX-License-Identifier: BSD-2-Clause */
/* spmk/errors.h - the error values of system calls (returned negated) and their text. */
#ifndef SPMK_ERRORS_H
#define SPMK_ERRORS_H

enum spmk_error {
	SPMK_OK = 0,
	SPMK_EINVAL = 1,  /* an argument is malformed (bad flags, name, size 0) */
	SPMK_ERANGE = 2,  /* a value is out of range (node, length, address wraps or is kernel) */
	SPMK_ENOMEM = 3,  /* no memory, no free device space, no table slot */
	SPMK_ENOENT = 4,  /* no such device, node or allocation */
	SPMK_EBUSY = 5,   /* the device or page is in a state that forbids it (claimed, pinned) */
	SPMK_EPERM = 6,   /* not yours */
	SPMK_EEXIST = 7,  /* already done (mapped) */
	SPMK_EFAULT = 8,  /* a pointer does not point into the app's own mapped memory */
	SPMK_EBADF = 9,   /* not a handle of this app */
	SPMK_ENOSYS = 10, /* no such system call */
	SPMK_EINTR = 11,  /* stopped by Ctrl-C */
	SPMK_EIO = 12,    /* any other kernel refusal */
	SPMK_ERRORS
};

/* "invalid argument", ... for e or -e; "unknown error" otherwise. */
const char *spmk_strerror(long e);

#endif
