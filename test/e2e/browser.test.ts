// browser.test.ts — the demo page (web/) in real headless Chromium: guests boot in a Web Worker, the terminal shows and takes console I/O, the exit chart and the RNG comparison draw.
//
// Needs Debian's chromium (/usr/bin/chromium), driven by playwright-core (which never downloads
// a browser). Skipped, saying so, when it is not installed. Screenshots go to test-output/.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWeb } from "../../web/build.js";
import { startServer, type RunningServer } from "../../web/serve.js";

const CHROMIUM = "/usr/bin/chromium";
const LINUX_IMAGE = join(import.meta.dirname, "../../../shared/guests/linux/Image-nofpu");
const OUT = join(import.meta.dirname, "../../test-output");
const ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--no-first-run", "--disable-sync", "--disable-quic",
];

const skipWhy = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium)`;
const linuxWhy = existsSync(LINUX_IMAGE) ? undefined : `no reference Linux guest at ${LINUX_IMAGE}`;

/** What the terminal shows, as text (xterm's DOM renderer pads with non-breaking spaces). */
async function screenText(page: Page): Promise<string> {
  return page.evaluate(() => (document.querySelector(".xterm-rows")?.textContent ?? "").replace(/\u00a0/g, " "));
}

/** Wait until the terminal's visible rows match. */
async function waitForScreen(page: Page, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = await page.evaluate(() => {
      const rows = document.querySelectorAll(".xterm-rows > div");
      return Array.from(rows, (r) => (r.textContent ?? "").replace(/\u00a0/g, " ").trimEnd()).join("\n");
    });
    if (pattern.test(text)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} on screen; the terminal shows:\n${text}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startGuest(page: Page, guestValue: string): Promise<void> {
  await page.selectOption("#guest", guestValue);
  await page.click("#start");
  await page.waitForFunction(() => document.getElementById("state")?.dataset.state !== "booting", undefined, { timeout: 30_000 });
}

(skipWhy !== undefined ? describe.skip : describe)(
  skipWhy !== undefined ? `demo page in Chromium — skipped: ${skipWhy}` : "demo page in Chromium",
  () => {
    let server: RunningServer;
    let context: BrowserContext;
    let page: Page;
    let profileDir: string;
    const pageErrors: string[] = [];

    beforeAll(async () => {
      mkdirSync(OUT, { recursive: true });
      await buildWeb();
      server = await startServer({ port: 0 });
      profileDir = mkdtempSync(join(tmpdir(), "wasmvisor-chromium-"));
      context = await chromium.launchPersistentContext(profileDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ARGS,
        viewport: { width: 1280, height: 1100 },
      });
      page = context.pages()[0] ?? (await context.newPage());
      page.on("pageerror", (err) => pageErrors.push(err.message));
      page.on("console", (msg) => {
        // Failed fetches are reported below with their URL instead.
        if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) pageErrors.push(msg.text());
      });
      page.on("response", (res) => {
        if (res.status() >= 400) pageErrors.push(`HTTP ${res.status()} for ${res.url()}`);
      });
      await page.goto(server.url);
      await page.waitForSelector(".xterm-rows");
    });

    afterAll(async () => {
      await context?.close();
      await server?.close();
      if (profileDir !== undefined) rmSync(profileDir, { recursive: true, force: true });
    });

    it("serves the page cross-origin isolated, the core as application/wasm, and refuses paths outside its places", async () => {
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const wasm = await fetch(new URL("build/wasmvisor.wasm", server.url));
      expect(wasm.headers.get("content-type")).toBe("application/wasm");
      expect((await fetch(new URL("guests/rng-demo/rng-demo.elf", server.url))).status).toBe(200);
      expect((await fetch(new URL("guests/rng-demo/main.c", server.url))).status).toBe(404);
      expect((await fetch(new URL("/..%2Fpackage.json", server.url))).status).toBe(404);
    });

    it("boots rng-demo in a Web Worker: its console on screen, live counters and rngboi in the exit chart", async () => {
      await startGuest(page, "rng-demo");
      await waitForScreen(page, /rng-demo: OK 69904 bytes in 17476 reads/);
      await page.waitForFunction(() => document.getElementById("state")?.dataset.state === "stopped");
      expect(await page.textContent("#state")).toMatch(/finished \(exit 0\)/);
      expect(await page.textContent("#c-insns")).toMatch(/^\d{1,3}(,\d{3})+$/);
      const devices = (await page.getAttribute("#exit-chart", "data-devices"))!.split(",");
      expect(devices).toContain("rngboi");
      expect(devices).toContain("uart0");
      expect(await page.textContent("#exit-table tbody")).toContain("rng0");
      await page.screenshot({ path: join(OUT, "web-rng-demo.png"), fullPage: true });
    });

    it("sends keystrokes to the guest and shows its answer (echo-demo), with pause, resume and stop", async () => {
      await startGuest(page, "echo-demo");
      await waitForScreen(page, /echo-demo: type a line/);
      await page.click("#terminal");
      await page.keyboard.type("hello from chromium");
      await page.keyboard.press("Enter");
      await waitForScreen(page, /^> hello from chromium\nHELLO FROM CHROMIUM \(19 bytes\)\n>$/m); // rows are read right-trimmed
      // Live counters and chart come from the worker's periodic snapshots while the guest runs.
      await page.waitForFunction(() => /\d/.test(document.getElementById("c-insns")?.textContent ?? ""), undefined, { timeout: 5_000 });
      expect((await page.getAttribute("#exit-chart", "data-devices"))!.split(",")).toContain("uart0");
      await page.screenshot({ path: join(OUT, "web-echo-demo.png"), fullPage: true });

      await page.click("#pause");
      expect(await page.getAttribute("#state", "data-state")).toBe("paused");
      await page.click("#terminal");
      await page.keyboard.type("later");
      await page.keyboard.press("Enter");
      await new Promise((r) => setTimeout(r, 300));
      expect(await screenText(page)).not.toContain("LATER"); // paused: the guest runs no instructions
      await page.click("#pause"); // "Resume"
      await waitForScreen(page, /LATER \(5 bytes\)/);

      await page.click("#stop");
      await page.waitForFunction(() => document.getElementById("state")?.dataset.state === "stopped");
      expect(await page.textContent("#state")).toMatch(/^stopped after/);
    });

    (linuxWhy !== undefined ? it.skip : it)(
      linuxWhy !== undefined ? `boots Linux — skipped: ${linuxWhy}` : "boots the reference Linux guest (Image-nofpu) to INIT OK and power-off",
      async () => {
        await startGuest(page, "linux:Image-nofpu");
        await waitForScreen(page, /INIT OK/, 60_000);
        await page.waitForFunction(() => document.getElementById("state")?.dataset.state === "stopped", undefined, { timeout: 60_000 });
        expect(await page.textContent("#state")).toMatch(/powered off/);
        const text = await page.evaluate(() => (window as unknown as { wasmvisorDemo: { terminalText(): string } }).wasmvisorDemo.terminalText());
        expect(text).toContain("INIT OK");
        expect(text).toContain("POWER OFF");
        expect((await page.getAttribute("#exit-chart", "data-devices"))!.split(",")).toContain("sbi");
        await page.screenshot({ path: join(OUT, "web-linux.png"), fullPage: true });
      },
    );

    it("runs the rngboi-vs-virtio-rng comparison in the browser and charts both devices", async () => {
      await page.click("#rng-run");
      await page.waitForFunction(() => {
        const s = document.getElementById("rng-status")?.dataset.state;
        return s === "done" || s === "error";
      }, undefined, { timeout: 180_000 });
      expect(await page.getAttribute("#rng-status", "data-state"), (await page.textContent("#rng-status")) ?? "").toBe("done");
      const series = (await page.getAttribute("#rng-chart", "data-series"))!.split(",");
      expect(series).toEqual(expect.arrayContaining(["rngboi", "virtio-rng"]));
      const points = JSON.parse((await page.getAttribute("#rng-chart", "data-points"))!) as Record<string, Array<[number, number]>>;
      expect(points.rngboi!.map(([x]) => x)).toEqual([16, 256, 4096, 65536]);
      expect(points["virtio-rng"]!.map(([x]) => x)).toEqual([16, 256, 4096, 65536]);
      expect(await page.locator("#rng-table tbody tr").count()).toBe(4);
      const results = await page.evaluate(() => (window as unknown as { wasmvisorDemo: { rngResults: unknown } }).wasmvisorDemo.rngResults);
      const rows = results as Array<{ device: string; bufferBytes: number; bytesPerSec: number; exitsPerKiB: number }>;
      const at = (device: string, size: number) => rows.find((r) => r.device === device && r.bufferBytes === size)!;
      // The headline: one exit per 4 bytes against one per buffer.
      expect(at("rngboi", 65536).exitsPerKiB).toBeGreaterThanOrEqual(256);
      // (virtio's per-run overhead, probe and init, is spread over fewer KiB in a quick run: ~1.5/KiB.)
      expect(at("virtio-rng", 65536).exitsPerKiB).toBeLessThan(at("rngboi", 65536).exitsPerKiB / 50);
      expect(at("virtio-rng", 65536).bytesPerSec).toBeGreaterThan(10 * at("rngboi", 65536).bytesPerSec);
      writeFileSync(join(OUT, "rng-browser.json"), `${JSON.stringify(rows, null, 2)}\n`);
      await page.locator("#rng-card").screenshot({ path: join(OUT, "web-rng-comparison.png") });
      expect(pageErrors).toEqual([]);
    });
  },
);
