/* SPDX-License-Identifier: BSD-2-Clause */
/* HMAT rev 1 (ACPI 6.2 layout) for srat_all: address-range structures, ties, separate read/write types */
[0004]                          Signature : "HMAT"
[0004]                       Table Length : 00000000
[0001]                           Revision : 01
[0001]                           Checksum : 00
[0006]                             Oem ID : "SPMK  "
[0008]                       Oem Table ID : "REV1"
[0004]                       Oem Revision : 00000001
[0004]                    Asl Compiler ID : "INTL"
[0004]              Asl Compiler Revision : 20200925

[0004]                           Reserved : 00000000

[0002]                     Structure Type : 0000 [Memory Proximity Domain Attributes]
[0002]                           Reserved : 0000
[0004]                             Length : 00000028
[0002]              Flags (decoded below) : 0003
         Processor Proximity Domain Valid : 1
[0002]                          Reserved1 : 0000
[0004] Attached Initiator Proximity Domain : 00000001
[0004]            Memory Proximity Domain : 00000001
[0004]                          Reserved2 : 00000000
[0008]                          Reserved3 : 0000000100000000
[0008]                          Reserved4 : 0000000080000000

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
[0008]                          Reserved4 : 0000000080000000

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
[0008]                    Entry Base Unit : 000000000000000A
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000002
[0002]                              Entry : 03E8
[0002]                              Entry : 0BB8
[0002]                              Entry : 03E8
[0002]                              Entry : 0BB8

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000038
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 04
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000002
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 000000000000000A
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000002
[0002]                              Entry : 0000
[0002]                              Entry : 01F4
[0002]                              Entry : 0000
[0002]                              Entry : 01F4

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 00000038
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 05
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000002
[0004]         Target Proximity Domains # : 00000002
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 000000000000000A
[0004]    Initiator Proximity Domain List : 00000000
[0004]    Initiator Proximity Domain List : 00000001
[0004]       Target Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000002
[0002]                              Entry : 0000
[0002]                              Entry : 0190
[0002]                              Entry : 0000
[0002]                              Entry : 0190

[0002]                     Structure Type : 0001 [System Locality Latency and Bandwidth Information]
[0002]                           Reserved : 0000
[0004]                             Length : 0000002A
[0001]              Flags (decoded below) : 00
                         Memory Hierarchy : 0
[0001]                          Data Type : 01
[0002]                          Reserved1 : 0000
[0004]      Initiator Proximity Domains # : 00000001
[0004]         Target Proximity Domains # : 00000001
[0004]                          Reserved2 : 00000000
[0008]                    Entry Base Unit : 0000000000000001
[0004]    Initiator Proximity Domain List : 00000000
[0004]       Target Proximity Domain List : 00000004
[0002]                              Entry : 0005

