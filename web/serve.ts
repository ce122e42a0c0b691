// serve.ts — `npm run web`: a tiny static server for the demo page (web/dist), the Wasm core, our guest ELFs and the reference Linux images.
//
// Usage: tsx web/serve.ts [--port 8080] [--host 127.0.0.1] [--linux DIR]
// Every URL maps to a fixed place; nothing outside those places is reachable (no directory
// listing, no path traversal). Responses carry COOP/COEP so the page is cross-origin isolated:
// browsers then give performance.now() 5 µs resolution instead of 100 µs, which the exit
// profiler's timings need.
import { createReadStream, existsSync, readdirSync, statSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));

export interface ServeOptions {
  /** 0 picks a free port. Default 8080. */
  port?: number;
  host?: string;
  /** The built page; default web/dist. */
  distDir?: string;
  /** Where Image-* live; default ../shared/guests/linux beside the repo. */
  linuxDir?: string;
}

export interface RunningServer {
  server: Server;
  url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
};

/** `rel` inside `root`, or undefined when it would escape it or is not a regular file. */
function fileIn(root: string, rel: string): string | undefined {
  const path = normalize(join(root, rel));
  if (path !== root && !path.startsWith(root + sep)) return undefined;
  try {
    return statSync(path).isFile() ? path : undefined;
  } catch {
    return undefined;
  }
}

function linuxImages(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((n) => /^Image-[A-Za-z0-9._-]+$/.test(n) && fileIn(dir, n) !== undefined).sort();
}

function guestNames(): string[] {
  const dir = join(REPO, "guests");
  return readdirSync(dir).filter((n) => /^[a-z0-9-]+$/.test(n) && fileIn(dir, `${n}/${n}.elf`) !== undefined).sort();
}

/** Map a URL path to a file (or a generated JSON body). */
function route(pathname: string, dist: string, linuxDir: string): { file: string } | { json: unknown } | undefined {
  if (pathname === "/" || pathname === "/index.html") return wrap(fileIn(dist, "index.html"));
  if (pathname === "/build/wasmvisor.wasm") return wrap(fileIn(join(REPO, "build"), "wasmvisor.wasm"));
  const guest = /^\/guests\/([a-z0-9-]+)\/\1\.elf$/.exec(pathname);
  if (guest !== null) return wrap(fileIn(join(REPO, "guests"), `${guest[1]}/${guest[1]}.elf`));
  if (pathname === "/linux/index.json") return { json: linuxImages(linuxDir) };
  const image = /^\/linux\/(Image-[A-Za-z0-9._-]+)$/.exec(pathname);
  if (image !== null) return wrap(linuxImages(linuxDir).includes(image[1]!) ? join(linuxDir, image[1]!) : undefined);
  // Node's figures for the same RNG comparison; an empty list until `npm run bench:rng` has run,
  // so a fresh checkout's page makes no failing request.
  if (pathname === "/results/rng.json") {
    return wrap(fileIn(join(REPO, "bench", "results"), "rng.json")) ?? { json: [] };
  }
  if (/^\/[A-Za-z0-9._-]+$/.test(pathname)) return wrap(fileIn(dist, pathname.slice(1)));
  return undefined;
}

function wrap(file: string | undefined): { file: string } | undefined {
  return file === undefined ? undefined : { file };
}

function handle(req: IncomingMessage, res: ServerResponse, dist: string, linuxDir: string): void {
  res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
  res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
  res.setHeader("Cache-Control", "no-store");
  if (req.method !== "GET" && req.method !== "HEAD") {
    res.writeHead(405, { "Content-Type": "text/plain", Allow: "GET, HEAD" }).end("method not allowed\n");
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
  } catch {
    res.writeHead(400, { "Content-Type": "text/plain" }).end("bad request\n");
    return;
  }
  const target = route(pathname, dist, linuxDir);
  if (target === undefined) {
    res.writeHead(404, { "Content-Type": "text/plain" }).end(`not found: ${pathname}\n`);
    return;
  }
  if ("json" in target) {
    const body = JSON.stringify(target.json);
    res.writeHead(200, { "Content-Type": MIME[".json"], "Content-Length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  const type = MIME[extname(target.file)] ?? "application/octet-stream";
  res.writeHead(200, { "Content-Type": type, "Content-Length": statSync(target.file).size });
  if (req.method === "HEAD") res.end();
  else createReadStream(target.file).pipe(res);
}

/** Start serving; resolves once listening. */
export function startServer(options: ServeOptions = {}): Promise<RunningServer> {
  const dist = resolve(options.distDir ?? join(REPO, "web", "dist"));
  const linuxDir = resolve(options.linuxDir ?? join(REPO, "..", "shared", "guests", "linux"));
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => handle(req, res, dist, linuxDir));
  return new Promise((resolveStart, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, host, () => {
      const { port } = server.address() as AddressInfo;
      resolveStart({
        server,
        url: `http://${host}:${port}/`,
        close: () => new Promise<void>((done) => {
          server.closeAllConnections();
          server.close(() => done());
        }),
      });
    });
  });
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = Number(argValue("--port") ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`web/serve.ts: --port needs a number from 0 to 65535, got ${argValue("--port")}`);
    process.exit(2);
  }
  const dist = join(REPO, "web", "dist");
  if (!existsSync(join(dist, "index.html"))) console.warn("web/serve.ts: web/dist is empty; build it with npm run web:build");
  const linuxDir = argValue("--linux");
  const running = await startServer({ port, host: argValue("--host") ?? "127.0.0.1", ...(linuxDir !== undefined ? { linuxDir } : {}) });
  const images = linuxImages(resolve(linuxDir ?? join(REPO, "..", "shared", "guests", "linux")));
  console.log(`wasmvisor demo page: ${running.url}`);
  console.log(`  guests: ${guestNames().join(", ")}${images.length > 0 ? `; Linux: ${images.join(", ")}` : " (no Linux images found)"}`);
}
