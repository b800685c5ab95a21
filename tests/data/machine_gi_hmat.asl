/* SPDX-License-Identifier: BSD-2-Clause */
/* Machine gi: HMAT rev 2. Initiators pxm 0 (CPU) and 2 (generic initiator), targets pxm 0
 * and 1. The accelerator reaches the SP memory (pxm 1) in 15 ns at 32768 MB/s, the CPU in
 * 40 ns at 4096 MB/s: access0 of node 1 is the generic initiator, access1 (CPUs only) is node 0.
 * Latency entries are ns (base 1000 ps); bandwidth entries are GiB/s (base 1024 MB/s). */
[0004]                          Signature : "HMAT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 02
[0001]                           Checksum : 00
[0006]                             Oem ID : "SPMK  "
[0008]                       Oem Table ID : "GIHMAT  "
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                     Structure Type : 0000 [Memory Proximity Domain Attributes]
[0002]                           Reserved : 0000
[0004]                             Length : 00000028
[0002]              Flags (decoded below) : 0001
         Processor Proximity Domain Valid : 1
[0002]                          Reserved1 : 0000
[0004] Attached Initiator Proximity Domain : 00000000
[0004]            Memory Proximity Domain : 00000000
[0004]                          Reserved2 : 00000000
[0008]                          Reserved3 : 0000000000000000
[0008]                          Reserved4 : 0000000000000000

[0002]                     Structure Type : 0000 [Memory Proximity Domain Attributes]
[0002]                           Reserved : 0000
[0004]                             Length : 00000028
[0002]              Flags (decoded below) : 0000
         Processor Proximity Domain Valid : 0
[0002]                          Reserved1 : 0000
[0004] Attached Initiator Proximity Domain : 00000000
[0004]            Memory Proximity Domain : 00000001
[0004]                          Reserved2 : 00000000
[0008]                          Reserved3 : 0000000000000000
[0008]                          Reserved4 : 0000000000000000

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000038
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 00
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000002
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 00000000000003E8
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000002
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0002]                              Entry : 000A
[0002]                              Entry : 0028
[0002]                              Entry : 001E
[0002]                              Entry : 000F

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000038
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 03
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000002
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 0000000000000400
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000002
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000001
[0002]                              Entry : 000A
[0002]                              Entry : 0004
[0002]                              Entry : 0005
[0002]                              Entry : 0020
