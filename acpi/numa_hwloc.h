/* SPDX-License-Identifier: BSD-2-Clause */
/* numa_hwloc.h - `numa --hwloc`: the NUMA topology as hwloc v2 XML, so that hwloc's tools
 * (Debian 12: hwloc 2.9) show and draw the machine spmk sees:
 *   lstopo --input FILE --memattrs     every memory attribute, from the HMAT
 *   lstopo --input FILE out.svg        a picture of packages, cores and NUMA nodes
 * Shape (hwloc's XML v2, as `lstopo --of xml` writes it):
 *   - one Machine; one Package per node with CPUs (os_index = node id), holding that node's
 *     NUMANode (when it has memory) and one Core + PU per CPU (os_index = cpu index);
 *   - a memory-only node hangs under the Package of its access1 initiator (as hwloc on
 *     Linux places it from accessY/initiators), else under the Machine;
 *   - NUMANode local_memory is the node's SRAT memory in bytes;
 *   - distances2 "NUMALatency" from SLIT (numa_distance) over the nodes with memory;
 *   - memattr Bandwidth and Latency (the average of read and write, MB/s and ns as HMAT
 *     gives them) and ReadBandwidth, WriteBandwidth, ReadLatency, WriteLatency, one value per
 *     (CPU initiator node, target node) pair of the HMAT matrix, the initiator given as its
 *     cpuset. Generic initiators have no hwloc object and are left out.
 * Without CPUs in the topology (no SRAT) the machine gets one CPU 0 on node 0. Nodes with
 * neither memory nor CPUs (generic initiators) are left out. Pure; output only. */
#ifndef SPMK_ACPI_NUMA_HWLOC_H
#define SPMK_ACPI_NUMA_HWLOC_H

#include "acpi/numa.h"
#include "lib/out.h"

/* Writes the XML document (ending in a newline) to o. Errors: ST_INVALID (t or o NULL). */
status_t numa_print_hwloc(const struct numa_topology *t, struct out *o);

#endif
