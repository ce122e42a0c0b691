// rng-worker.ts — the Web Worker that runs the page's RNG comparison (measureRng), so the page stays responsive while it measures.
import { measureRng, type RngDeviceName, type RngReply, type RngRequest } from "./rng-compare.js";

interface WorkerScope {
  postMessage(message: RngReply): void;
  addEventListener(type: "message", listener: (event: MessageEvent<RngRequest>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`cannot fetch ${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

scope.addEventListener("message", (event) => {
  const { core, guestUrls, quick } = event.data;
  void (async () => {
    try {
      const images: Record<RngDeviceName, Uint8Array> = {
        rngboi: await fetchBytes(guestUrls.rngboi),
        "virtio-rng": await fetchBytes(guestUrls["virtio-rng"]),
      };
      const results = await measureRng(core, images, quick, (text, done) => scope.postMessage({ type: "progress", text, done }));
      scope.postMessage({ type: "done", results });
    } catch (err) {
      scope.postMessage({ type: "error", message: err instanceof Error ? err.message : String(err) });
    }
  })();
});
