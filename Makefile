# SPDX-License-Identifier: BSD-2-Clause
# spmk build: the UEFI loader, the SP firmware stage, the kernel, the ESP image, host tests,
# fuzz targets and benchmarks. `make` builds build/spmk.img and build/spfw.efi.
# `make run` boots in QEMU, `make test` runs every test, `make bench` prints figures.

BUILD      := build
CC         := gcc
HOSTCC     := gcc
FUZZCC     := clang
LD         := ld
NASM       := nasm
OBJCOPY    := objcopy
PYTEST     := pytest-3

WARN       := -Wall -Wextra -Wmissing-prototypes -Werror
Q          := $(if $(V),,@)
# DEBUG=1 (the default, and what `make test` runs): ASSERTs on (lib/check.h) and freed pages
# junk-filled (mm/buddy.h). `make bench` builds with DEBUG=0 in $(BUILD)/release.
DEBUG      ?= 1
DEBUG_DEFS := $(if $(filter 1,$(DEBUG)),-DSPMK_DEBUG)
BASE       := -std=gnu11 -I. -g -O2 $(WARN)
COMMON     := $(BASE) $(DEBUG_DEFS)
# Every object depends on this stamp, so changing DEBUG in one build directory rebuilds all.
FLAGS_STAMP := $(BUILD)/flags.debug$(DEBUG)

# ---------------------------------------------------------------- kernel
KERNEL_CFLAGS := $(COMMON) -ffreestanding -fno-pic -fno-pie -mno-red-zone -mcmodel=kernel \
	-mno-mmx -mno-sse -mno-sse2 -fno-stack-protector -fno-asynchronous-unwind-tables \
	-fno-omit-frame-pointer -nostdlib -fno-builtin -DSPMK_KERNEL
KERNEL_LDFLAGS := -static -no-pie -z max-page-size=0x1000 -T linker.ld
KERNEL_LIBS := $(shell $(CC) -print-libgcc-file-name)

# Pure modules: compiled for the kernel and for the host.
KERNEL_PURE := kernel/cmdline.c kernel/cmdline_names.c kernel/boot_info.c kernel/shell/shell_parse.c \
	boot/elf_validate.c \
	kernel/boot_options.c
PURE_SRCS := $(wildcard lib/*.c) $(wildcard mm/*.c) $(wildcard acpi/*.c) $(KERNEL_PURE)
PURE_SRCS := $(filter-out lib/string.c,$(sort $(wildcard $(PURE_SRCS))))
# The loader's pure parts are tested on the host too.
HOST_SRCS := $(PURE_SRCS) $(sort $(wildcard boot/sp_ranges.c boot/memmap_append.c \
	boot/memmap_buf.c boot/sp_claim.c boot/paging.c))
KERNEL_C  := $(sort $(filter-out $(KERNEL_PURE),$(wildcard kernel/*.c kernel/shell/*.c arch/x86_64/*.c)))
KERNEL_ASM := $(wildcard arch/x86_64/*.asm)
KERNEL_OBJS := $(patsubst %.c,$(BUILD)/k/%.o,$(KERNEL_C) $(PURE_SRCS) lib/string.c) \
	$(patsubst %.asm,$(BUILD)/k/%.o,$(KERNEL_ASM))

# ---------------------------------------------------------------- loader (GNU-EFI)
EFI_CFLAGS := -std=gnu11 -I. -I/usr/include/efi -I/usr/include/efi/x86_64 -DGNU_EFI_USE_MS_ABI \
	-fpic -fshort-wchar -ffreestanding -fno-stack-protector -fno-stack-check \
	-fno-strict-aliasing -mno-red-zone -maccumulate-outgoing-args -O2 $(WARN) -DSPMK_EFI
EFI_LDFLAGS := -nostdlib --no-undefined -znocombreloc -T /usr/lib/elf_x86_64_efi.lds -shared -Bsymbolic -L/usr/lib \
	/usr/lib/crt0-efi-x86_64.o
EFI_LIBS := -lefi -lgnuefi $(shell $(CC) -print-libgcc-file-name)
EFI_SECTIONS := -j .text -j .sdata -j .data -j .dynamic -j .dynsym -j .rel -j .rela -j .rel.* \
	-j .rela.* -j .reloc --target efi-app-x86_64 --subsystem=10
LOADER_SRCS := boot/loader.c boot/loader_modules.c boot/efi_util.c boot/fwcfg.c boot/elf_validate.c boot/paging.c boot/memmap_append.c \
	boot/memmap_buf.c boot/sp_claim.c \
	lib/fmt.c lib/out.c lib/parse.c lib/status.c
SPFW_SRCS   := boot/spfw.c boot/efi_util.c boot/fwcfg.c boot/sp_ranges.c \
	lib/fmt.c lib/out.c lib/parse.c lib/status.c
LOADER_SRCS := $(sort $(wildcard $(LOADER_SRCS)))
SPFW_SRCS   := $(sort $(wildcard $(SPFW_SRCS)))

# ---------------------------------------------------------------- host tests and fuzzing
SAN        := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
HOST_CFLAGS := $(COMMON) -O1 $(SAN) -DSPMK_HOST
HOST_OBJS  := $(patsubst %.c,$(BUILD)/host/%.o,$(HOST_SRCS))
HOST_LIB   := $(BUILD)/host/libspmk.a
UNIT_SRCS  := $(wildcard tests/unit/test_*.c)
UNIT_BINS  := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
# Test helpers (tests/unit/helpers/: capture sink, memory-map expectations, the simulated
# machine) are compiled once into an archive every test links.
UNIT_HELPERS := $(wildcard tests/unit/helpers/*.c)
UNIT_HELPER_LIB := $(BUILD)/host/libtesthelpers.a
# ThreadSanitizer flavour (build/tsan/): the threaded tests again over lib/ and mm/ built with
# -fsanitize=thread; any data race report fails the test (tools/run-tests.sh).
TSAN_TESTS := test_spinlock test_concurrency test_vm_threads test_stress_mp
TSAN_CFLAGS := $(COMMON) -O1 -fsanitize=thread -fno-omit-frame-pointer -DSPMK_HOST
TSAN_OBJS  := $(patsubst %.c,$(BUILD)/tsanobj/%.o,$(filter lib/% mm/%,$(PURE_SRCS)))
TSAN_LIB   := $(BUILD)/tsanobj/libspmk.a
TSAN_HELPER_LIB := $(BUILD)/tsanobj/libtesthelpers.a
TSAN_BINS  := $(patsubst %,$(BUILD)/tsan/%,$(TSAN_TESTS))
FUZZ_SRCS  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS  := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,$(FUZZ_SRCS))
# Fuzz targets link one set of objects built with the sanitizers and libFuzzer's coverage hooks;
# the coverage builds (build/fuzzcov/) replay a corpus to measure source-based coverage.
FUZZ_COMMON := -std=gnu11 -I. -g -O1 -DSPMK_HOST -DSPMK_FUZZ $(DEBUG_DEFS)
FUZZ_FLAGS := $(FUZZ_COMMON) -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
FUZZ_LINK  := -fsanitize=fuzzer,address,undefined
FUZZ_OBJS  := $(patsubst %.c,$(BUILD)/fuzzobj/%.o,$(HOST_SRCS))
COV_FLAGS  := $(FUZZ_COMMON) -fsanitize=fuzzer-no-link -fprofile-instr-generate -fcoverage-mapping
COV_LINK   := -fsanitize=fuzzer -fprofile-instr-generate
COV_OBJS   := $(patsubst %.c,$(BUILD)/fuzzcovobj/%.o,$(HOST_SRCS))
COV_BINS   := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzzcov/%,$(FUZZ_SRCS))
ASL_SRCS   := $(wildcard tests/data/*.asl)
AML_FILES  := $(patsubst tests/data/%.asl,$(BUILD)/data/%.aml,$(ASL_SRCS))
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(patsubst tests/bench/%.c,$(BUILD)/bench/%,$(BENCH_SRCS))
BENCH_CFLAGS := $(BASE) -O2 -DSPMK_HOST -DNDEBUG

IMG := $(BUILD)/spmk.img

# ---------------------------------------------------------------- apps (ring 3, docs/apps.md)
# Every directory apps/NAME/ (but apps/lib/, the user library) is an app; `make APPS="a b"`
# builds and puts only those in the image. Freestanding, no SSE, linked at 0x400000.
APPS_ALL := $(sort $(filter-out lib,$(notdir $(patsubst %/,%,$(wildcard apps/*/)))))
APPS ?= $(APPS_ALL)
APP_CFLAGS := $(COMMON) -ffreestanding -fno-pic -fno-pie -fno-stack-protector -mgeneral-regs-only \
	-fno-asynchronous-unwind-tables -fno-builtin -DSPMK_APP
APP_LDFLAGS := -static -no-pie -nostdlib -z max-page-size=0x1000 -T apps/lib/app.ld
APP_LIB_SRCS := $(wildcard apps/lib/*.c) lib/fmt.c
APP_ELFS := $(patsubst %,$(BUILD)/apps/%.elf,$(APPS))

.DELETE_ON_ERROR:
.SECONDARY: $(FUZZ_OBJS) $(COV_OBJS)

ifneq ($(filter-out $(APPS_ALL),$(APPS)),)
$(error APPS: no app $(filter-out $(APPS_ALL),$(APPS)) in apps/ (there are: $(APPS_ALL)))
endif

.PHONY: apps FORCE all kernel loader image run debug test unit fuzz fuzz-merge fuzz-replay fuzz-bins cov-bins bench bench-release deps clean host-tests fixtures format check-format
all: image $(BUILD)/spfw.efi $(MACHINE_AML)

deps:
	@bash tools/deps.sh

$(FLAGS_STAMP):
	@mkdir -p $(BUILD)
	@rm -f $(BUILD)/flags.debug*
	@touch $@

# ---- kernel
$(BUILD)/k/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(KERNEL_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/k/%.o: %.asm $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  NASM    $<"
	$(Q)$(NASM) -f elf64 -g -o $@ $<
# Two links: the first gives symbol addresses for the backtrace table (.ksyms, placed last).
$(BUILD)/kernel.pass1.elf: $(KERNEL_OBJS) linker.ld
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(KERNEL_LIBS)
$(BUILD)/k/ksyms_gen.c: $(BUILD)/kernel.pass1.elf tools/gensyms.sh
	$(Q)bash tools/gensyms.sh $< $@
$(BUILD)/k/ksyms_gen.o: $(BUILD)/k/ksyms_gen.c
	$(Q)$(CC) $(KERNEL_CFLAGS) -c $< -o $@
$(BUILD)/kernel.elf: $(KERNEL_OBJS) $(BUILD)/k/ksyms_gen.o linker.ld
	@echo "  LD      $@"
	$(Q)$(LD) $(KERNEL_LDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/k/ksyms_gen.o $(KERNEL_LIBS)
	@nm $(BUILD)/kernel.pass1.elf | grep -v -e ksyms -e __kernel_end | sort > $(BUILD)/k/syms1.txt
	@nm $@ | grep -v -e ksyms -e __kernel_end | sort > $(BUILD)/k/syms2.txt
	@cmp -s $(BUILD)/k/syms1.txt $(BUILD)/k/syms2.txt || { echo "ksyms moved symbols"; exit 1; }
kernel: $(BUILD)/kernel.elf

# ---- loader and SP firmware stage
$(BUILD)/efi/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.EFI  $<"
	$(Q)$(CC) $(EFI_CFLAGS) -MMD -MP -c $< -o $@
$(BUILD)/loader.so: $(patsubst %.c,$(BUILD)/efi/%.o,$(LOADER_SRCS))
	$(LD) $(EFI_LDFLAGS) $^ -o $@ $(EFI_LIBS)
$(BUILD)/spfw.so: $(patsubst %.c,$(BUILD)/efi/%.o,$(SPFW_SRCS))
	$(LD) $(EFI_LDFLAGS) $^ -o $@ $(EFI_LIBS)
$(BUILD)/BOOTX64.EFI: $(BUILD)/loader.so
	$(OBJCOPY) $(EFI_SECTIONS) $< $@
$(BUILD)/spfw.efi: $(BUILD)/spfw.so
	$(OBJCOPY) $(EFI_SECTIONS) $< $@
loader: $(BUILD)/BOOTX64.EFI

# ---- apps
$(BUILD)/a/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.APP  $<"
	$(Q)$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@
define app_rule
$(BUILD)/apps/$(1).elf: $(patsubst %.c,$(BUILD)/a/%.o,$(wildcard apps/$(1)/*.c) $(APP_LIB_SRCS)) apps/lib/app.ld
	@mkdir -p $$(dir $$@)
	@echo "  LD.APP  $$@"
	$$(Q)$$(LD) $$(APP_LDFLAGS) -o $$@ $$(filter %.o,$$^)
endef
$(foreach a,$(APPS_ALL),$(eval $(call app_rule,$(a))))
apps: $(APP_ELFS)

# ---- ESP image: loader, kernel, empty command line, the apps; rebuilt when APPS changes
APPS_STAMP := $(BUILD)/apps.list
$(APPS_STAMP): FORCE
	@mkdir -p $(BUILD)
	@echo '$(APPS)' | cmp -s - $@ || echo '$(APPS)' > $@
FORCE:
$(IMG): $(BUILD)/BOOTX64.EFI $(BUILD)/kernel.elf tools/mkimage.sh $(APP_ELFS) $(APPS_STAMP)
	bash tools/mkimage.sh $@ $(BUILD)/BOOTX64.EFI $(BUILD)/kernel.elf $(APP_ELFS)
image: $(IMG)

# ---- bootable GPT disk: the ESP image as its EFI system partition (tools/mkdisk.sh,
# docs/disk.md). `make disk CMDLINE='...'` writes \spmk\cmdline.txt on it. Always rewritten
# (about a second), so the disk holds the current ESP and CMDLINE.
DISK_IMG := $(BUILD)/spmk-disk.img
.PHONY: disk
disk: deps $(IMG)
	bash tools/mkdisk.sh $(DISK_IMG) $(IMG)

# `make run TOPO=NAME` boots a named machine (tools/qemu-args.sh, docs/machines.md);
# TOPO=list lists them, an unknown name is an error that lists them, before anything is built.
# SMP=N gives the machine N CPUs (default 2; docs/smp.md).
TOPO ?= default
SMP ?=
MACHINE_AML := $(patsubst tests/data/%.asl,$(BUILD)/data/%.aml,$(wildcard tests/data/machine_*.asl))
.PHONY: machine-check map
machine-check:
	@if [ -n '$(TOPOLOGY)' ]; then echo "TOPOLOGY=$(TOPOLOGY): the variable is TOPO (make run TOPO=list lists the machines)" >&2; exit 2; fi
	@SMP='$(SMP)' bash tools/qemu-args.sh '$(TOPO)' >/dev/null
	@case '$(DISK)' in '' | 1 | ahci | virtio | usb) ;; \
	*) echo "DISK=$(DISK): the buses are ahci (DISK=1), virtio, usb" >&2; exit 2 ;; esac
ifeq ($(TOPO),list)
run debug:
	@bash tools/qemu-args.sh --list
else
# DISK=ahci|virtio|usb (DISK=1: ahci) boots build/spmk-disk.img instead (`make disk` first,
# with the same CMDLINE) on that bus, with its \spmk\cmdline.txt and no fw_cfg command line.
run: machine-check deps all $(MACHINE_AML) $(if $(DISK),disk)
	SMP='$(SMP)' TOPO='$(TOPO)' bash tools/run.sh

debug: machine-check deps all $(MACHINE_AML) $(if $(DISK),disk)
	SMP='$(SMP)' TOPO='$(TOPO)' bash tools/run.sh --debug
endif

# `make diagrams`: render the Graphviz sources of docs/diagrams/ beside them.
DOT_SRCS := $(wildcard docs/diagrams/*.dot)
.PHONY: diagrams
diagrams: $(DOT_SRCS:.dot=.svg)
docs/diagrams/%.svg: docs/diagrams/%.dot
	dot -Tsvg $< -o $@

# `make map TOPO=NAME`: pictures of a machine from one captured boot (tools/map.sh).
map: machine-check deps all $(MACHINE_AML)
	TOPO='$(TOPO)' bash tools/map.sh

# ---- host side
$(BUILD)/host/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.HOST $<"
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@
$(HOST_LIB): $(HOST_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(UNIT_HELPER_LIB): $(patsubst %.c,$(BUILD)/host/%.o,$(UNIT_HELPERS))
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/tests/%: tests/unit/%.c $(UNIT_HELPER_LIB) $(HOST_LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@mkdir -p $(BUILD)/dep
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -MMD -MP -MF $(BUILD)/dep/$(notdir $@).d -Itests/unit/helpers -o $@ $< $(UNIT_HELPER_LIB) $(HOST_LIB) -lcmocka
$(BUILD)/tsanobj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.TSAN $<"
	$(Q)$(HOSTCC) $(TSAN_CFLAGS) -MMD -MP -c $< -o $@
$(TSAN_LIB): $(TSAN_OBJS)
	@rm -f $@
	ar rcs $@ $^
$(TSAN_HELPER_LIB): $(patsubst %.c,$(BUILD)/tsanobj/%.o,$(UNIT_HELPERS))
	@rm -f $@
	ar rcs $@ $^
$(BUILD)/tsan/%: tests/unit/%.c $(TSAN_HELPER_LIB) $(TSAN_LIB) $(FLAGS_STAMP)
	@mkdir -p $(dir $@) $(BUILD)/dep
	@echo "  TSAN    $@"
	$(Q)$(HOSTCC) $(TSAN_CFLAGS) -MMD -MP -MF $(BUILD)/dep/tsan-$(notdir $@).d -Itests/unit/helpers -o $@ $< $(TSAN_HELPER_LIB) $(TSAN_LIB) -lcmocka -lpthread
$(BUILD)/fuzzobj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.FUZZ $<"
	$(Q)$(FUZZCC) $(FUZZ_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzz/%: tests/fuzz/%.c $(FUZZ_OBJS)
	@mkdir -p $(dir $@)
	@echo "  FUZZ    $@"
	@mkdir -p $(BUILD)/dep
	$(Q)$(FUZZCC) $(FUZZ_FLAGS) $(FUZZ_LINK) -MMD -MP -MF $(BUILD)/dep/$(notdir $@).d -o $@ $< $(FUZZ_OBJS)
$(BUILD)/fuzzcovobj/%.o: %.c $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC.COV  $<"
	$(Q)$(FUZZCC) $(COV_FLAGS) -MMD -MP -c $< -o $@
$(BUILD)/fuzzcov/%: tests/fuzz/%.c $(COV_OBJS)
	@mkdir -p $(dir $@)
	@echo "  COV     $@"
	@mkdir -p $(BUILD)/dep
	$(Q)$(FUZZCC) $(COV_FLAGS) $(COV_LINK) -MMD -MP -MF $(BUILD)/dep/cov-$(notdir $@).d -o $@ $< $(COV_OBJS)
BENCH_EXTRA := $(filter-out $(BENCH_SRCS),$(wildcard tests/bench/*.c))
$(BUILD)/bench/%: tests/bench/%.c $(HOST_SRCS) $(BENCH_EXTRA)
	@mkdir -p $(dir $@)
	$(HOSTCC) $(BENCH_CFLAGS) -Itests/bench -o $@ $< $(BENCH_EXTRA) $(HOST_SRCS) -lm -lpthread
$(BUILD)/data/%.aml: tests/data/%.asl
	@mkdir -p $(dir $@)
	iasl -p $(basename $@) $< >/dev/null

fixtures: $(AML_FILES)
host-tests: $(UNIT_BINS) $(TSAN_BINS) $(AML_FILES) $(BUILD)/tests/build-fail.ok

# Files that must NOT compile (tests/build_fail/*.c): each compiles cleanly as is, and fails
# with every -DMIX_n it lists, so the compiler is shown to catch one kind of address passed as
# another (lib/types.h).
BUILD_FAIL_SRCS := $(wildcard tests/build_fail/*.c)
$(BUILD)/tests/build-fail.ok: $(BUILD_FAIL_SRCS) lib/types.h mm/buddy.h mm/hotplug.h mm/memobj.h \
			      mm/vm.h $(FLAGS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  BUILDFAIL $(BUILD_FAIL_SRCS)"
	$(Q)for f in $(BUILD_FAIL_SRCS); do \
		$(HOSTCC) $(HOST_CFLAGS) -fsyntax-only $$f || { echo "$$f: does not compile as is"; exit 1; }; \
		for m in $$(sed -n 's/^#.*defined(\(MIX_[0-9]*\)).*/\1/p' $$f); do \
			if $(HOSTCC) $(HOST_CFLAGS) -fsyntax-only -D$$m $$f 2>/dev/null; then \
				echo "$$f: compiles with -D$$m, but must not"; exit 1; fi; \
		done; \
	done
	$(Q)touch $@
fuzz-bins: $(FUZZ_BINS)
cov-bins: $(COV_BINS)

# `make test`: host unit tests, stored fuzz inputs replayed and short fuzz runs, QEMU scenarios;
# one summary line at the end. It makes the disk too (a second), so `make disk` is checked.
test: deps
	$(MAKE) all host-tests fuzz-bins disk
	bash tools/run-tests.sh

unit: host-tests
	bash tools/run-tests.sh --unit-only

# `make format` lays out every C file (tools/format-files.sh) as .clang-format says, with
# clang-format 14 only (tools/clang-format.sh; CLANG_FORMAT=path picks the binary);
# `make check-format` fails on any file it would change and on an include of kernel/, boot/
# or arch/ from mm/, acpi/ or lib/ (tools/check-format.sh).
format:
	bash tools/clang-format.sh --version >/dev/null
	bash tools/format-files.sh | xargs -d '\n' bash tools/clang-format.sh -i
check-format:
	bash tools/check-format.sh

# `make fuzz`: each target (or FUZZ_TARGETS="fuzz_x ...") for FUZZ_SECONDS (default 60) on a
# scratch copy of its corpus in build/fuzz-work/, then source-based coverage per parser.
# `make fuzz-merge` folds the new inputs (minimised) and any crash files into tests/fuzz/.
FUZZ_SECONDS ?= 60
fuzz: deps fuzz-bins cov-bins
	bash tools/fuzz.sh fuzz $(FUZZ_SECONDS) cov

fuzz-merge: fuzz-bins
	bash tools/fuzz.sh merge

# Replays every stored corpus and crash input once (part of `make test`).
fuzz-replay: fuzz-bins
	bash tools/fuzz.sh replay

# `make bench`: a release build (DEBUG=0: no ASSERTs, no junk fill) of its own in $(BUILD)/release.
bench: deps
	$(MAKE) DEBUG=0 BUILD=$(BUILD)/release bench-release
bench-release: $(BENCH_BINS) all
	BUILD=$(BUILD) bash tools/bench.sh

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -name '*.d' -type f 2>/dev/null)
