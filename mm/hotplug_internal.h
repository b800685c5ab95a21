/* SPDX-License-Identifier: BSD-2-Clause */
/* hotplug_internal.h - what mm/hotplug.c and mm/hotplug_reclaim.c share: the busy flag that
 * lets one hand-off or reclaim run at a time. Not for users of the module (mm/hotplug.h). */
#ifndef SPMK_MM_HOTPLUG_INTERNAL_H
#define SPMK_MM_HOTPLUG_INTERNAL_H

#include "mm/hotplug.h"

/* Takes the busy flag for `what` ("hand-off", "reclaim") of device dev: true, and the caller
 * ends with hotplug_busy_exit; false when another hand-off or reclaim holds it, after one log
 * line naming both (the caller returns ST_BUSY, having changed nothing). Never waits. */
bool hotplug_busy_enter(struct hotplug *h, const char *what, uint32_t dev);
void hotplug_busy_exit(struct hotplug *h);

#endif
