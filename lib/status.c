/* SPDX-License-Identifier: BSD-2-Clause */
/* status.c - names of the status codes, for messages. */
#include "lib/status.h"

const char *status_str(status_t s)
{
	static const char *const names[ST_COUNT] = {
		[ST_OK] = "ok",
		[ST_INVALID] = "invalid argument",
		[ST_RANGE] = "out of range",
		[ST_NOMEM] = "out of memory",
		[ST_NOTFOUND] = "not found",
		[ST_BUSY] = "busy",
		[ST_PERM] = "not the owner",
		[ST_EXISTS] = "already exists",
		[ST_CHECKSUM] = "bad checksum",
		[ST_TRUNCATED] = "truncated",
		[ST_UNSUPPORTED] = "unsupported",
		[ST_FAULT] = "fault",
		[ST_INTERRUPTED] = "stopped by Ctrl-C",
	};
	if ((unsigned)s >= ST_COUNT || !names[s])
		return "unknown status";
	return names[s];
}
