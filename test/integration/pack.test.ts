// pack.test.ts — `npm pack` produces a package that works elsewhere: install the tarball in a fresh project and boot a guest through the public API.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REPO = join(import.meta.dirname, "../..");

describe("the npm package", () => {
  it("installs from its tarball and boots a bare-metal demo guest through createVm", () => {
    const work = mkdtempSync(join(tmpdir(), "wasmvisor-pack-"));
    // --ignore-scripts: the tree is already built (npm test builds first); prepare would rebuild.
    execFileSync("npm", ["pack", "--ignore-scripts", "--pack-destination", work], { cwd: REPO, stdio: "pipe" });
    const tarball = readdirSync(work).find((f) => f.endsWith(".tgz"));
    expect(tarball).toBeDefined();

    const project = join(work, "app");
    execFileSync("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "app", private: true, type: "module" }));
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", join(work, tarball!)], { cwd: project, stdio: "pipe" });
    writeFileSync(join(project, "main.js"), [
      'import { createVm, demoGuestPath } from "wasmvisor";',
      'const vm = await createVm({ elf: demoGuestPath("rng-demo"), rng: ["rngboi"] });',
      "let out = \"\";",
      'vm.on("console", (b) => { out += new TextDecoder().decode(b); });',
      "const result = await vm.run();",
      "const rngboi = vm.profile().rows.find((r) => r.device === \"rngboi\");",
      "console.log(JSON.stringify({ reason: result.reason, ok: out.includes(\"rng-demo: OK\"), reads: rngboi.count }));",
    ].join("\n"));
    const printed = execFileSync("node", ["main.js"], { cwd: project, encoding: "utf8" });
    expect(JSON.parse(printed.trim())).toEqual({ reason: { kind: "tohost", code: 0 }, ok: true, reads: 17476 });

    // The CLI comes with it too.
    const help = execFileSync(join(project, "node_modules/.bin/wasmvisor"), ["--version"], { encoding: "utf8" });
    expect(help).toMatch(/^wasmvisor \d+\.\d+\.\d+/);
  }, 180_000);
});
