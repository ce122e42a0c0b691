# zifencei.S — FENCE.I and self-modifying code: code rewritten by stores must
# run in its new form after FENCE.I — single 32-bit instructions, compressed
# instructions, a 32-bit instruction at a 2-byte-aligned address, the body of
# a loop that already ran many times (decode/translation caches), a routine
# copied to a fresh buffer, and code patched from S-mode.  Also FENCE
# variants (ordering only) execute as no-ops.
#include "test.h"

  .text
  .globl test_main
test_main:
  # FENCE forms (including FENCE.TSO and the PAUSE hint) just execute
  SET_TEST(1)
  li a0, 3
  fence
  fence rw, rw
  fence r, w
  fence iorw, iorw
  fence.tso
  .word 0x0100000f             # pause
  fence.i
  CHECK(a0, 3)

  # 2-4: patch the first instruction of `site` (li a0, 1)
  SET_TEST(2)
  call site
  CHECK(a0, 1)
  SET_TEST(3)
  la t0, site
  lw t1, tmpl_li2
  sw t1, 0(t0)
  fence.i
  call site
  CHECK(a0, 2)
  SET_TEST(4)
  lw t1, tmpl_li3
  sw t1, 0(t0)
  fence.i
  call site
  CHECK(a0, 3)

  # 5: replace it by two compressed instructions (c.li a0, 5; c.nop)
  SET_TEST(5)
  lw t1, tmpl_cli5
  sw t1, 0(t0)
  fence.i
  call site
  CHECK(a0, 5)
  # 6: c.nop; then a 32-bit instruction at site + 2 (spanning two words)
  SET_TEST(6)
  lhu t1, tmpl_cnop
  sh t1, 0(t0)
  lhu t1, tmpl_li6
  sh t1, 2(t0)
  lhu t1, tmpl_li6 + 2
  sh t1, 4(t0)
  li t1, 0x0001                # c.nop to realign
  sh t1, 6(t0)
  fence.i
  call site
  CHECK(a0, 6)

  # 7-8: a hot loop, then its body changes
  SET_TEST(7)
  li s0, 0
  li s1, 200
1:call loopbody
  add s0, s0, a0
  addi s1, s1, -1
  bnez s1, 1b
  CHECK(s0, 200)
  SET_TEST(8)
  la t0, loopbody
  lw t1, tmpl_li3
  sw t1, 0(t0)
  fence.i
  li s0, 0
  li s1, 200
1:call loopbody
  add s0, s0, a0
  addi s1, s1, -1
  bnez s1, 1b
  CHECK(s0, 600)

  # 9: copy a routine into a buffer and run it there; then patch the copy
  SET_TEST(9)
  la t0, routine
  la t1, codebuf
  la t2, routine_end
2:lw t3, 0(t0)
  sw t3, 0(t1)
  addi t0, t0, 4
  addi t1, t1, 4
  bltu t0, t2, 2b
  fence.i
  li a0, 10
  la t0, codebuf
  jalr ra, 0(t0)
  CHECK(a0, 0x1e)              # (10 + 5) * 2
  SET_TEST(10)
  la t0, codebuf
  lw t1, tmpl_addi7
  sw t1, 0(t0)                 # addi a0, a0, 5 -> addi a0, a0, 7
  fence.i
  li a0, 10
  jalr ra, 0(t0)
  CHECK(a0, 0x22)

  # 11: S-mode writes code and executes it after its own FENCE.I
  SET_TEST(11)
  ENTER_S_UNTIL(1f)
  la t0, site
  lw t1, tmpl_li2
  sw t1, 0(t0)
  li t1, 0x00008067            # ret
  sw t1, 4(t0)
  fence.i
  call site
  ecall
1:CHECK_MCAUSE(CAUSE_ECALL_S)
  CHECK(a0, 2)

  j pass

# patch templates (never executed)
tmpl_li2:  li a0, 2
tmpl_li3:  li a0, 3
tmpl_li6:  li a0, 6
tmpl_addi7: addi a0, a0, 7
  .option rvc
tmpl_cli5: c.li a0, 5
tmpl_cnop: c.nop
  .option norvc

  .align 3
site:
  li a0, 1
  ret
  ret
  ret

loopbody:
  li a0, 1
  ret

routine:
  addi a0, a0, 5
  slli a0, a0, 1
  ret
routine_end:

  .data
  .align 3
codebuf:
  .skip 64
