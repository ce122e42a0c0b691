/*
 * main.c - virtio-rng-demo: a bare-metal virtio entropy driver of our own
 * (virtio 1.2: 4.2 virtio over MMIO, 2.7 split virtqueues, 3.1.1 driver
 * initialization, 5.4 entropy device), polling, no interrupts taken.
 *
 * Probes the 8 virtio-mmio slots at 0x10001000 + 0x1000 * i, initialises the
 * first modern (Version 2) device with DeviceID 4, then, for 16 B, 256 B,
 * 4 KiB and 64 KiB, posts one device-writable buffer of that size on queue
 * 0, notifies, polls the used ring, acknowledges InterruptStatus, checks
 * used.len == size, that every 8-byte word of the buffer changed from the
 * prefilled pattern, and the sanity checks of ../common/rngcheck.c.
 * One request is one MMIO exit (QueueNotify) however big the buffer.
 *
 * Exit codes: 0 "virtio-rng-demo: OK"; 1 "virtio-rng-demo: FAIL ..."; 2 no
 * usable virtio-rng device ("virtio-rng-demo: no virtio-rng device").
 *
 * For benchmarks a host may patch two symbols (in the ELF's .data or in
 * guest RAM before the start):
 *   demo_buffer_bytes  0 (default): the demo above; otherwise post one
 *                      buffer of this many bytes (at most RNG_MAX_BYTES) ...
 *   demo_rounds        ... this many times (default 1, 0 counts as 1), one
 *                      request at a time, checking only used.len and
 *                      acknowledging the interrupt once at the end (so a
 *                      request costs the one QueueNotify exit), printing
 *                      two lines.
 */
#include <stdint.h>
#include "../common/printf.h"
#include "../common/rngcheck.h"

#ifndef VIRTIO_MMIO_BASE
#define VIRTIO_MMIO_BASE  0x10001000UL   /* a scratch build may move it */
#endif
#define VIRTIO_MMIO_SLOTS 8
#define VIRTIO_MMIO_STRIDE 0x1000UL

/* 4.2.2 MMIO device register layout (all registers 32 bits wide) */
#define REG_MAGIC            0x000
#define REG_VERSION          0x004
#define REG_DEVICE_ID        0x008
#define REG_VENDOR_ID        0x00c
#define REG_DEVICE_FEATURES  0x010
#define REG_DEVICE_FEATURES_SEL 0x014
#define REG_DRIVER_FEATURES  0x020
#define REG_DRIVER_FEATURES_SEL 0x024
#define REG_QUEUE_SEL        0x030
#define REG_QUEUE_NUM_MAX    0x034
#define REG_QUEUE_NUM        0x038
#define REG_QUEUE_READY      0x044
#define REG_QUEUE_NOTIFY     0x050
#define REG_INTERRUPT_STATUS 0x060
#define REG_INTERRUPT_ACK    0x064
#define REG_STATUS           0x070
#define REG_QUEUE_DESC_LOW   0x080
#define REG_QUEUE_DESC_HIGH  0x084
#define REG_QUEUE_DRIVER_LOW 0x090
#define REG_QUEUE_DRIVER_HIGH 0x094
#define REG_QUEUE_DEVICE_LOW 0x0a0
#define REG_QUEUE_DEVICE_HIGH 0x0a4
#define REG_CONFIG_GENERATION 0x0fc

#define VIRTIO_MAGIC   0x74726976u  /* "virt" */
#define VIRTIO_ID_RNG  4

/* 2.1 device status field */
#define STATUS_ACKNOWLEDGE 1u
#define STATUS_DRIVER      2u
#define STATUS_DRIVER_OK   4u
#define STATUS_FEATURES_OK 8u
#define STATUS_NEEDS_RESET 64u
#define STATUS_FAILED      128u

#define VIRTIO_F_VERSION_1 32       /* the only feature we accept */

/* 2.7 split virtqueue */
#define QUEUE_SIZE_MAX 16
#define VIRTQ_DESC_F_WRITE 2        /* buffer is device-writable */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[QUEUE_SIZE_MAX];
    uint16_t used_event;
};

struct virtq_used_elem {
    uint32_t id;
    uint32_t len;
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[QUEUE_SIZE_MAX];
    uint16_t avail_event;
};

/* Alignment: descriptor table 16, driver (avail) area 2, device (used) area 4. */
static struct {
    struct virtq_desc desc[QUEUE_SIZE_MAX] __attribute__((aligned(16)));
    struct virtq_avail avail __attribute__((aligned(2)));
    struct virtq_used used __attribute__((aligned(4)));
} vq __attribute__((aligned(4096)));

#define RNG_MAX_BYTES (1024 * 1024)
#define PREFILL 0xa5a5a5a5a5a5a5a5ULL
#define POLL_SPINS 200000000UL      /* ~1e9 guest instructions, then give up */

/* Kept in .data (not .bss) so that they can be patched in the ELF file. */
volatile uint64_t demo_buffer_bytes __attribute__((section(".data.demo"))) = 0;
volatile uint64_t demo_rounds __attribute__((section(".data.demo"))) = 1;

static uint8_t buffer[RNG_MAX_BYTES] __attribute__((aligned(64)));

static uintptr_t dev;               /* MMIO base of the device in use */
static uint16_t qsize;              /* negotiated queue size */
static uint16_t avail_idx, used_idx; /* our shadow copies of the ring indices */
static uint64_t notifies;

int mmio_probe_read32(uintptr_t addr, uint32_t *value);     /* probe.S */

static inline void fence(void)
{
    __asm__ volatile("fence iorw, iorw" ::: "memory");
}

static inline uint32_t rd(unsigned off)
{
    return *(volatile uint32_t *)(dev + off);
}

static inline void wr(unsigned off, uint32_t v)
{
    *(volatile uint32_t *)(dev + off) = v;
}

static void set_status(uint32_t bits)
{
    wr(REG_STATUS, rd(REG_STATUS) | bits);
}

static int fail_init(const char *why)
{
    printf("virtio-rng-demo: FAIL %s (status 0x%x)\n", why, rd(REG_STATUS));
    set_status(STATUS_FAILED);
    return 1;
}

/* Finds the first modern virtio-rng; returns its base or 0. */
static uintptr_t probe(void)
{
    uintptr_t found = 0;

    for (int i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
        uintptr_t base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_STRIDE;
        uint32_t magic;

        if (mmio_probe_read32(base + REG_MAGIC, &magic) != 0) {
            printf("virtio-rng-demo: slot %d @0x%lx: no device (access fault)\n", i, base);
            continue;
        }
        if (magic != VIRTIO_MAGIC) {
            printf("virtio-rng-demo: slot %d @0x%lx: bad magic 0x%x\n", i, base, magic);
            continue;
        }
        dev = base;
        uint32_t version = rd(REG_VERSION), id = rd(REG_DEVICE_ID);
        if (id == 0)                /* an empty slot */
            continue;
        printf("virtio-rng-demo: slot %d @0x%lx: version %u, device %u, vendor 0x%x\n",
               i, base, version, id, rd(REG_VENDOR_ID));
        if (id != VIRTIO_ID_RNG || found)
            continue;
        if (version != 2) {
            printf("virtio-rng-demo: slot %d: skipped, legacy virtio-mmio version %u\n",
                   i, version);
            continue;
        }
        found = base;
    }
    dev = found;
    return found;
}

/* 3.1.1 driver initialization, 4.2.3.2 virtqueue configuration. */
static int init_device(void)
{
    wr(REG_STATUS, 0);              /* reset; done when Status reads 0 */
    for (uint64_t spins = 0; rd(REG_STATUS) != 0; spins++)
        if (spins > 1000000)
            return fail_init("device does not reset");
    set_status(STATUS_ACKNOWLEDGE);
    set_status(STATUS_DRIVER);

    wr(REG_DEVICE_FEATURES_SEL, 0);
    uint64_t features = rd(REG_DEVICE_FEATURES);
    wr(REG_DEVICE_FEATURES_SEL, 1);
    features |= (uint64_t)rd(REG_DEVICE_FEATURES) << 32;
    printf("virtio-rng-demo: device features 0x%lx\n", features);
    if (!(features & (1ULL << VIRTIO_F_VERSION_1)))
        return fail_init("device does not offer VIRTIO_F_VERSION_1");

    uint64_t driver = 1ULL << VIRTIO_F_VERSION_1;
    wr(REG_DRIVER_FEATURES_SEL, 0);
    wr(REG_DRIVER_FEATURES, (uint32_t)driver);
    wr(REG_DRIVER_FEATURES_SEL, 1);
    wr(REG_DRIVER_FEATURES, (uint32_t)(driver >> 32));
    set_status(STATUS_FEATURES_OK);
    if (!(rd(REG_STATUS) & STATUS_FEATURES_OK))
        return fail_init("device did not accept FEATURES_OK");

    wr(REG_QUEUE_SEL, 0);
    if (rd(REG_QUEUE_READY) != 0)
        return fail_init("queue 0 already ready");
    uint32_t max = rd(REG_QUEUE_NUM_MAX);
    if (max == 0)
        return fail_init("queue 0 not available (QueueNumMax 0)");
    qsize = QUEUE_SIZE_MAX;
    while (qsize > max)             /* keep it a power of 2 */
        qsize /= 2;
    wr(REG_QUEUE_NUM, qsize);
    uintptr_t desc = (uintptr_t)vq.desc, avail = (uintptr_t)&vq.avail,
              used = (uintptr_t)&vq.used;
    wr(REG_QUEUE_DESC_LOW, (uint32_t)desc);
    wr(REG_QUEUE_DESC_HIGH, (uint32_t)((uint64_t)desc >> 32));
    wr(REG_QUEUE_DRIVER_LOW, (uint32_t)avail);
    wr(REG_QUEUE_DRIVER_HIGH, (uint32_t)((uint64_t)avail >> 32));
    wr(REG_QUEUE_DEVICE_LOW, (uint32_t)used);
    wr(REG_QUEUE_DEVICE_HIGH, (uint32_t)((uint64_t)used >> 32));
    fence();                        /* rings (zeroed .bss) before QueueReady */
    wr(REG_QUEUE_READY, 1);

    set_status(STATUS_DRIVER_OK);
    uint32_t status = rd(REG_STATUS);
    if (status & (STATUS_NEEDS_RESET | STATUS_FAILED))
        return fail_init("device failed after DRIVER_OK");
    printf("virtio-rng-demo: queue 0 size %u (max %u), status 0x%x\n", qsize, max, status);
    return 0;
}

/*
 * Posts buffer[0, n) as one device-writable descriptor, notifies and polls
 * for its used element. Returns the length the device wrote, or -1 on a
 * timeout or a bad used element (after printing why).
 */
static int64_t request(uint64_t n)
{
    vq.desc[0].addr = (uintptr_t)buffer;
    vq.desc[0].len = (uint32_t)n;
    vq.desc[0].flags = VIRTQ_DESC_F_WRITE;
    vq.desc[0].next = 0;
    vq.avail.ring[avail_idx % qsize] = 0;
    fence();                        /* descriptor and ring entry before idx */
    vq.avail.idx = ++avail_idx;
    fence();                        /* idx before the notify */
    wr(REG_QUEUE_NOTIFY, 0);
    notifies++;

    for (uint64_t spins = 0;; spins++) {
        fence();
        if (*(volatile uint16_t *)&vq.used.idx != used_idx)
            break;
        if (spins == POLL_SPINS) {
            printf("virtio-rng-demo: FAIL no used buffer after %lu polls (status 0x%x)\n",
                   spins, rd(REG_STATUS));
            return -1;
        }
    }
    fence();                        /* used idx before the element and the data */
    struct virtq_used_elem e = ((volatile struct virtq_used *)&vq.used)->ring[used_idx % qsize];
    used_idx++;
    if (e.id != 0) {
        printf("virtio-rng-demo: FAIL used.id %u, posted descriptor 0\n", e.id);
        return -1;
    }
    return e.len;
}

/* Every 8-byte word of buffer[0, n) differs from the prefill pattern. */
static int changed(uint64_t n)
{
    const uint64_t *w = (const uint64_t *)buffer;
    for (uint64_t i = 0; i < n / 8; i++)
        if (w[i] == PREFILL)
            return 0;
    return 1;
}

static int demo(void)
{
    static const uint32_t sizes[] = { 16, 256, 4096, 65536 };
    uint64_t total = 0;
    int bad = 0;

    for (unsigned i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        uint64_t n = sizes[i];
        uint64_t *w = (uint64_t *)buffer;
        struct rng_quality q;

        for (uint64_t k = 0; k < n / 8; k++)
            w[k] = PREFILL;
        int64_t len = request(n);
        if (len < 0)
            return 1;
        uint32_t isr = rd(REG_INTERRUPT_STATUS);
        if (isr)
            wr(REG_INTERRUPT_ACK, isr);
        total += (uint64_t)len;
        int len_ok = (uint64_t)len == n, ch = changed(n);
        int ok = rng_check(buffer, n, &q) && len_ok && ch;
        printf("virtio-rng-demo: %5lu B in 1 request: used.len %ld %s, isr 0x%x, changed %s, ",
               n, len, len_ok ? "ok" : "BAD", isr, ch ? "ok" : "BAD");
        rng_print_quality(&q);
        printf("\n");
        bad += !ok;
    }
    if (bad) {
        printf("virtio-rng-demo: FAIL %d buffer(s) failed a check\n", bad);
        return 1;
    }
    printf("virtio-rng-demo: OK %lu bytes in %lu requests\n", total, notifies);
    return 0;
}

static int bench(uint64_t n, uint64_t rounds)
{
    printf("virtio-rng-demo: %lu B x %lu rounds\n", n, rounds);
    if (n > RNG_MAX_BYTES) {
        printf("virtio-rng-demo: FAIL demo_buffer_bytes=%lu is more than %u\n", n,
               RNG_MAX_BYTES);
        return 1;
    }
    for (uint64_t r = 0; r < rounds; r++) {
        int64_t len = request(n);
        if (len < 0)
            return 1;
        if ((uint64_t)len != n) {
            printf("virtio-rng-demo: FAIL round %lu: used.len %ld, posted %lu\n", r, len, n);
            return 1;
        }
    }
    uint32_t isr = rd(REG_INTERRUPT_STATUS);
    if (isr)
        wr(REG_INTERRUPT_ACK, isr);
    printf("virtio-rng-demo: OK %lu bytes in %lu requests\n", n * rounds, notifies);
    return 0;
}

int main(void)
{
    uint64_t bytes = demo_buffer_bytes;
    uint64_t rounds = demo_rounds ? demo_rounds : 1;

    if (!probe()) {
        printf("virtio-rng-demo: no virtio-rng device\n");
        return 2;
    }
    printf("virtio-rng-demo: using virtio-rng @0x%lx\n", dev);
    if (init_device())
        return 1;
    return bytes ? bench(bytes, rounds) : demo();
}
