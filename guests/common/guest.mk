# guest.mk - build rules shared by the guest Makefiles.
#
# A guest Makefile sets GUEST (the program name) and SRCS (its C/asm files)
# and includes this file. Everything is compiled and linked in one gcc call,
# so there are no object files; the result, $(GUEST).elf, is stripped of
# debug info but keeps its symbol table (hosts look up tohost, fromhost and
# guest-specific symbols such as bench_iterations).
#
# PLATFORM selects console and exit: `htif` (default) prints through HTIF
# and exits through tohost (QEMU -M spike); `virt` (set it before the
# include) prints on the 16550A UART at 0x10000000 (uart.c) and, after the
# tohost exit write, also exits through the syscon device at 0x100000
# (syscon.c), so the guest runs on QEMU -M virt as well as on wasmvisor.

CROSS   ?= riscv64-unknown-elf-
CC      := $(CROSS)gcc
STRIP   := $(CROSS)strip
COMMON  := $(dir $(lastword $(MAKEFILE_LIST)))

ARCH    ?= -march=rv64imac_zicsr_zifencei -mabi=lp64
OPT     ?= -O2
CFLAGS  := $(OPT) $(ARCH) -mcmodel=medany -ffreestanding -fno-pic -fno-stack-protector \
           -Wall -Wextra -std=c11 $(EXTRA_CFLAGS)
LDFLAGS := -nostdlib -static -T $(COMMON)link.ld -Wl,--no-warn-rwx-segments

RUNTIME := $(COMMON)start.S $(COMMON)htif.c $(COMMON)printf.c $(COMMON)string.c
HEADERS := $(wildcard *.h) $(wildcard $(COMMON)*.h) $(COMMON)link.ld $(COMMON)guest.mk

QEMU    ?= qemu-system-riscv64
QEMU_RUN = timeout 300 $(QEMU) -M spike -bios none -nographic

PLATFORM ?= htif
ifeq ($(PLATFORM),virt)
CFLAGS  += -DGUEST_PLATFORM_VIRT
RUNTIME += $(COMMON)uart.c $(COMMON)syscon.c
QEMU_RUN = timeout 300 $(QEMU) -M virt -bios none -nographic $(QEMU_ARGS)
else ifneq ($(PLATFORM),htif)
$(error PLATFORM must be htif or virt, not $(PLATFORM))
endif

all: $(GUEST).elf

$(GUEST).elf: $(SRCS) $(RUNTIME) $(HEADERS) Makefile
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(RUNTIME) $(SRCS)
	$(STRIP) --strip-debug $@

# Runs the guest on QEMU (spike, or virt with PLATFORM := virt, plus
# $(QEMU_ARGS)); the exit code is the guest's.
run: $(GUEST).elf
	$(QEMU_RUN) -kernel $<

clean:
	rm -rf build

.PHONY: all run clean
