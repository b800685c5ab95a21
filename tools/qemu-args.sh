#!/usr/bin/env bash
# Prints the QEMU arguments for a named topology, one per line. run.sh boots it, and the test
# harness (tests/qemu/spmk_qemu.py) reads the default one, so `make run` is what is tested.
#   default: node 0 = CPU + 1 GiB RAM; node 1 = memory-only 1 GiB at 4 GiB, marked SP by the
#            firmware stage (spfw.efi), with HMAT latency/bandwidth and a memory-side cache.
set -euo pipefail
case "${1:-default}" in
default)
	cat <<'ARGS'
-machine
q35,hmat=on,max-ram-below-4g=1G
-m
2G
-smp
1
-object
memory-backend-ram,id=m0,size=1G
-object
memory-backend-ram,id=m1,size=1G
-numa
node,nodeid=0,memdev=m0,cpus=0,initiator=0
-numa
node,nodeid=1,memdev=m1,initiator=0
-numa
dist,src=0,dst=1,val=20
-numa
hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-latency,latency=10
-numa
hmat-lb,initiator=0,target=0,hierarchy=memory,data-type=access-bandwidth,bandwidth=10G
-numa
hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-latency,latency=30
-numa
hmat-lb,initiator=0,target=1,hierarchy=memory,data-type=access-bandwidth,bandwidth=4G
-numa
hmat-cache,node-id=1,size=16M,level=1,associativity=direct,policy=write-back,line=64
-fw_cfg
name=opt/spmk/sp-ranges,string=1G@0x100000000
ARGS
	;;
*)
	echo "qemu-args: unknown topology '$1'" >&2
	exit 2
	;;
esac
