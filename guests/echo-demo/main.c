/*
 * main.c - echo-demo: an interactive bare-metal guest that reads lines from
 * the 16550A UART and answers each one uppercased, so that a host's console
 * input path (terminal -> sendInput -> UART RX FIFO -> guest) can be tested
 * end to end.
 *
 *   echo-demo: type a line and press Enter; "quit" powers off
 *   > hello
 *   HELLO (5 bytes)
 *   >
 *
 * Input is read by polling LSR.DR (bit 0) and RBR. While nothing is waiting
 * the hart sleeps in WFI instead of spinning: the UART's receive interrupt
 * (IER.ERBFI) is routed through the PLIC to hart 0's M-mode context and
 * enabled in mie.MEIE, but mstatus.MIE stays 0, so the interrupt never traps;
 * it only ends the WFI (the privileged spec wakes WFI on any interrupt that
 * is pending and enabled in mie, whatever mstatus.MIE says). A host that
 * sleeps on WFI then costs nothing while the user is not typing, instead of
 * one LSR exit per poll.
 *
 * Typed characters are echoed as they arrive (the terminal does not echo
 * locally); Backspace/DEL erase; Enter is CR or LF (CR LF counts once);
 * Ctrl-D on an empty line or the line "quit" ends the program with exit 0.
 */
#include <stdint.h>
#include "../common/printf.h"
#include "../common/uart.h"

#define UART_RBR 0                  /* receive buffer register (read) */
#define UART_IER 1                  /* interrupt enable register */
#define UART_MCR 4                  /* modem control register */
#define UART_LSR 5                  /* line status register */
#define UART_IER_ERBFI 0x01         /* interrupt when received data is available */
#define UART_MCR_DTR_RTS 0x03       /* "ready to receive": the host sends only while both are up */
#define UART_LSR_DR 0x01            /* data ready: RBR holds a byte */

#define UART0_IRQ 10                /* docs/architecture.md memory map (QEMU virt) */
#define PLIC_BASE 0x0c000000UL
#define PLIC_PRIORITY(irq) (PLIC_BASE + 4 * (irq))
#define PLIC_ENABLE_CTX0 (PLIC_BASE + 0x2000)     /* context 0: hart 0, M-mode */
#define PLIC_THRESHOLD_CTX0 (PLIC_BASE + 0x200000)
#define PLIC_CLAIM_CTX0 (PLIC_BASE + 0x200004)

#define MIE_MEIE (1UL << 11)

#define LINE_MAX 120

static inline volatile uint8_t *uart_reg(unsigned off)
{
    return (volatile uint8_t *)(UART0_BASE + off);
}

static inline volatile uint32_t *plic_reg(uint64_t addr)
{
    return (volatile uint32_t *)addr;
}

static void input_init(void)
{
    *plic_reg(PLIC_PRIORITY(UART0_IRQ)) = 1;
    *plic_reg(PLIC_ENABLE_CTX0) = 1u << UART0_IRQ;
    *plic_reg(PLIC_THRESHOLD_CTX0) = 0;
    *uart_reg(UART_IER) = UART_IER_ERBFI;
    *uart_reg(UART_MCR) = UART_MCR_DTR_RTS;
    __asm__ volatile("csrs mie, %0" : : "r"(MIE_MEIE));
}

static int uart_getchar(void)
{
    while ((*uart_reg(UART_LSR) & UART_LSR_DR) == 0) {
        __asm__ volatile("wfi");
        /*
         * Claim and complete so that a PLIC which keeps a source pending
         * until it is claimed (QEMU's) does not end every later WFI at once;
         * the UART line is still high while bytes wait, so it pends again.
         */
        uint32_t id = *plic_reg(PLIC_CLAIM_CTX0);
        if (id != 0)
            *plic_reg(PLIC_CLAIM_CTX0) = id;
    }
    return *uart_reg(UART_RBR);
}

static int is_quit(const char *s, unsigned n)
{
    return n == 4 && s[0] == 'q' && s[1] == 'u' && s[2] == 'i' && s[3] == 't';
}

int main(void)
{
    char line[LINE_MAX + 1];
    unsigned n = 0;
    uint64_t lines = 0;
    int last = 0;

    input_init();
    printf("echo-demo: type a line and press Enter; \"quit\" powers off\n> ");
    for (;;) {
        int ch = uart_getchar();
        int prev = last;

        last = ch;
        if (ch == '\n' && prev == '\r')
            continue;               /* CR LF: the CR already ended the line */
        if (ch == '\r' || ch == '\n') {
            line[n] = 0;
            printf("\n");
            if (is_quit(line, n))
                break;
            for (unsigned i = 0; i < n; i++)
                putchar(line[i] >= 'a' && line[i] <= 'z' ? line[i] - 'a' + 'A' : line[i]);
            printf(" (%u bytes)\n> ", n);
            lines++;
            n = 0;
        } else if (ch == 0x7f || ch == 0x08) {
            if (n > 0) {
                n--;
                printf("\b \b");
            }
        } else if (ch == 0x04) {    /* Ctrl-D */
            if (n == 0) {
                printf("\n");
                break;
            }
        } else if (ch >= 0x20 && ch < 0x7f && n < LINE_MAX) {
            line[n++] = (char)ch;
            putchar(ch);
        }
    }
    printf("echo-demo: bye after %lu line(s)\n", lines);
    return 0;
}
