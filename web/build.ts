// build.ts — `npm run web:build`: bundle the demo page (web/src), the VM's Web Worker (host/api/worker/web-thread.ts) and the RNG benchmark worker into web/dist with esbuild.
//
// platform "browser" makes esbuild refuse any Node built-in, which checks that the browser code
// imports nothing from Node.
import { copyFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const REPO = resolve(fileURLToPath(new URL("..", import.meta.url)));

export async function buildWeb(outdir: string = join(REPO, "web", "dist")): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: {
      app: join(REPO, "web", "src", "main.ts"),
      "web-thread": join(REPO, "host", "api", "worker", "web-thread.ts"),
      "rng-worker": join(REPO, "web", "src", "rng-worker.ts"),
      style: join(REPO, "web", "src", "style.css"),
    },
    outdir,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    minify: true,
    logLevel: "warning",
  });
  copyFileSync(join(REPO, "web", "index.html"), join(outdir, "index.html"));
  return outdir;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const out = await buildWeb();
  console.log(`built ${out}`);
}
