// args.ts — the command line: one table of commands and options that drives both parsing and --help.
//
// Hand-written (no dependency) and strict: an unknown option, a repeated option, a stray
// argument, an option missing its value or a malformed number is a UsageError, never ignored,
// because a silently dropped flag makes a run mean something other than what the user asked.
// No Node imports: parsing is pure, main.ts does the I/O.

/** The command line is wrong. main prints `wasmvisor: <message>` and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An option that takes a value: `--flag VALUE` or `--flag=VALUE`. */
interface ValueOption<T> {
  flag: `--${string}`;
  metavar: string;
  help: string;
  /** May be given more than once; the parsed value is then the list of values. */
  repeatable?: true;
  /** Takes two values (`--flag A B`); parse then gets both. */
  pair?: true;
  /** Turn the text into a value; throw UsageError naming the flag when it is malformed. */
  parse(text: string, flag: string, second?: string): T;
}

/** An option without a value (`--help`); its parsed value is `true`. */
interface SwitchOption {
  flag: `--${string}`;
  short?: `-${string}`;
  help: string;
}

type OptionSpec = ValueOption<unknown> | SwitchOption;
type OptionTable = Record<string, OptionSpec>;

/** Parsed values: each key present only when the user gave the option. */
export type OptionValues<Table extends OptionTable> = {
  -readonly [K in keyof Table]?: Table[K] extends ValueOption<infer T> ? (Table[K] extends { repeatable: true } ? T[] : T) : true;
};

function isValueOption(spec: OptionSpec): spec is ValueOption<unknown> {
  return "metavar" in spec;
}

// ---- value parsers ----

/** Guest RAM limit: RAM_MAX in host/abi.ts (3 GiB), in MiB. */
export const MAX_MEMORY_MIB = 3072;
export const DEFAULT_MEMORY_MIB = 128;

function parseText(text: string, flag: string): string {
  if (text === "") throw new UsageError(`${flag} needs a non-empty value`);
  return text;
}

/** A whole number: decimal or 0x hex, `_` allowed between digits (1_000_000). */
function parseWholeNumber(text: string, flag: string): bigint {
  const ok = /^(0x[0-9a-f]+(_[0-9a-f]+)*|[0-9]+(_[0-9]+)*)$/i.test(text);
  if (!ok) throw new UsageError(`${flag}: '${text}' is not a whole number`);
  return BigInt(text.replace(/_/g, ""));
}

function parseInsnCount(text: string, flag: string): bigint {
  const n = parseWholeNumber(text, flag);
  if (n < 1n || n >= 1n << 64n) throw new UsageError(`${flag}: ${text} is out of range (1 to 2^64-1)`);
  return n;
}

function parseSeed(text: string, flag: string): bigint {
  const n = parseWholeNumber(text, flag);
  if (n >= 1n << 64n) throw new UsageError(`${flag}: ${text} is out of range (0 to 2^64-1)`);
  return n;
}

function parseMemoryMiB(text: string, flag: string): number {
  const n = parseWholeNumber(text, flag);
  if (n < 1n || n > BigInt(MAX_MEMORY_MIB)) {
    throw new UsageError(`${flag}: ${text} MiB is out of range (1 to ${MAX_MEMORY_MIB})`);
  }
  return Number(n);
}

function parseSeconds(text: string, flag: string): number {
  const n = Number(text);
  if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(n > 0)) throw new UsageError(`${flag}: '${text}' is not a positive number of seconds`);
  return n;
}

function oneOf<T extends string>(choices: readonly T[]): (text: string, flag: string) => T {
  return (text, flag) => {
    if ((choices as readonly string[]).includes(text)) return text as T;
    throw new UsageError(`${flag}: '${text}' is not one of ${choices.join(", ")}`);
  };
}

export interface DiskSpec {
  path: string;
  readOnly: boolean;
  /** Copy-on-write: the guest's writes stay in memory (and in snapshots); the image is not written. */
  overlay?: true;
}

function parseDisk(text: string, flag: string): DiskSpec {
  const parts = text.split(",");
  const path = parts[0] ?? "";
  if (path === "") throw new UsageError(`${flag} needs a file name`);
  const opts = parts.slice(1);
  for (const o of opts) if (o !== "ro" && o !== "overlay") throw new UsageError(`${flag}: unknown disk option '${o}' (ro or overlay)`);
  if (opts.includes("ro") && opts.includes("overlay")) throw new UsageError(`${flag}: ro and overlay exclude each other (an overlay takes writes)`);
  return { path, readOnly: opts.includes("ro"), ...(opts.includes("overlay") ? { overlay: true as const } : {}) };
}

export interface SnapshotOnSpec {
  /** Console text that triggers the snapshot (its first appearance). */
  text: string;
  file: string;
}

function parseSnapshotOn(text: string, flag: string, file?: string): SnapshotOnSpec {
  if (text === "") throw new UsageError(`${flag} needs a non-empty TEXT to wait for`);
  if (file === undefined || file === "") throw new UsageError(`${flag} needs a FILE to write`);
  return { text, file };
}

export const RNG_CHOICES = ["virtio", "rngboi", "both", "none"] as const;
export const CLOCK_CHOICES = ["deterministic", "realtime"] as const;
export const UNMAPPED_CHOICES = ["fault", "log", "ignore"] as const;
export const ON_OFF = ["on", "off"] as const;

// ---- the tables ----

const HELP: SwitchOption = { flag: "--help", short: "-h", help: "show this help and exit" };

export const GLOBAL_OPTIONS = {
  help: HELP,
  version: { flag: "--version", short: "-V", help: "print the version and exit" },
} satisfies OptionTable;

export const RUN_OPTIONS = {
  elf: {
    flag: "--elf",
    metavar: "FILE",
    help: "bare-metal RISC-V RV64 ELF executable to run (riscv-tests style, ends via tohost)",
    parse: parseText,
  },
  kernel: {
    flag: "--kernel",
    metavar: "IMAGE",
    help: "RISC-V Linux kernel Image to boot (with the built-in SBI, or the firmware of --bios)",
    parse: parseText,
  },
  initrd: { flag: "--initrd", metavar: "FILE", help: "initramfs for --kernel (placed below the devicetree)", parse: parseText },
  append: {
    flag: "--append",
    metavar: "CMDLINE",
    help: 'kernel command line (default "console=ttyS0")',
    parse: (text: string) => text,
  },
  bios: {
    flag: "--bios",
    metavar: "FILE",
    help: "M-mode firmware run at 0x80000000 instead of the built-in SBI (e.g. OpenSBI fw_jump.bin)",
    parse: parseText,
  },
  disk: {
    flag: "--disk",
    metavar: "FILE[,ro|,overlay]",
    help: "a raw disk image as virtio-blk (repeatable: the first is /dev/vda); ',ro' makes it read-only, " +
      "',overlay' keeps the guest's writes in memory (and in snapshots) and never writes the image",
    repeatable: true,
    parse: parseDisk,
  },
  virtioConsole: {
    flag: "--virtio-console",
    help: "add a virtio console, fed by the same terminal (Linux: hvc1 when the kernel also has the SBI console as hvc0, so --append \"console=hvc1\")",
  },
  rng: {
    flag: "--rng",
    metavar: "DEV",
    help: "random number devices: virtio, rngboi (the register RNG), both (default) or none",
    parse: oneOf(RNG_CHOICES),
  },
  maxInsns: {
    flag: "--max-insns",
    metavar: "N",
    help: "stop after N instructions (default: no limit)",
    parse: parseInsnCount,
  },
  timeout: {
    flag: "--timeout",
    metavar: "SECONDS",
    help: "stop after this much wall-clock time (default: no limit)",
    parse: parseSeconds,
  },
  clock: {
    flag: "--clock",
    metavar: "MODE",
    help: "guest time: deterministic (from instructions retired; runs reproduce) or realtime " +
      "(wall clock); default deterministic for --elf and the demo, realtime for --kernel",
    parse: oneOf(CLOCK_CHOICES),
  },
  sstc: {
    flag: "--sstc",
    metavar: "on|off",
    help: "offer the Sstc extension (stimecmp) to the kernel (default on); off makes Linux use sbi_set_timer",
    parse: oneOf(ON_OFF),
  },
  snapshotOn: {
    flag: "--snapshot-on",
    metavar: "TEXT FILE",
    help: "write a snapshot to FILE the first time the console prints TEXT (e.g. '/ # '), then stop with status 0",
    pair: true,
    parse: parseSnapshotOn,
  },
  restore: {
    flag: "--restore",
    metavar: "FILE",
    help: "resume the machine saved in a snapshot FILE instead of booting a guest (give its disks again)",
    parse: parseText,
  },
  restoreChangedDisks: {
    flag: "--restore-changed-disks",
    help: "with --restore: go on even if a disk's contents differ from when the snapshot was taken",
  },
  entropySeed: {
    flag: "--entropy-seed",
    metavar: "N",
    help: "draw every random byte from a CSPRNG seeded with N, so a --clock deterministic run repeats exactly (RNG devices included)",
    parse: parseSeed,
  },
  unmapped: {
    flag: "--unmapped",
    metavar: "POLICY",
    help: "MMIO access that hits no device: fault (guest access fault; default), log, or ignore (reads 0)",
    parse: oneOf(UNMAPPED_CHOICES),
  },
  profile: { flag: "--profile", help: "print the exit profile (by kind, device and register) to stderr at the end" },
  profileJson: { flag: "--profile-json", metavar: "FILE", help: "write the exit profile as JSON", parse: parseText },
  trace: {
    flag: "--trace",
    metavar: "FILE",
    help: "write every exit as Chrome trace-event JSON (open in Perfetto or chrome://tracing)",
    parse: parseText,
  },
  memoryMiB: {
    flag: "--memory",
    metavar: "MiB",
    help: `guest RAM in MiB, at 0x80000000 (default ${DEFAULT_MEMORY_MIB}, at most ${MAX_MEMORY_MIB})`,
    parse: parseMemoryMiB,
  },
  help: HELP,
} satisfies OptionTable;

interface CommandSpec {
  name: string;
  summary: string;
  usage: string;
  description: string[];
  options: OptionTable;
}

const COMMANDS: readonly CommandSpec[] = [
  {
    name: "run",
    summary: "run a guest",
    usage: "wasmvisor run [--elf FILE | --kernel IMAGE] [options]",
    description: [
      "With no guest, runs the built-in demo: the rng-demo and virtio-rng-demo guests, then their",
      "exit profiles. --elf runs a bare-metal RV64 ELF (it may end through tohost, spike's HTIF,",
      "or the syscon poweroff device); --kernel boots Linux. Guest console output goes to stdout;",
      "wasmvisor's own messages (result, instruction count, speed, profile) go to stderr.",
      "In raw terminal mode, Ctrl-A x quits and Ctrl-A Ctrl-A sends Ctrl-A.",
    ],
    options: RUN_OPTIONS,
  },
];

export const EXIT_STATUS_HELP = [
  "exit status:",
  "  0  the guest passed (tohost reported 0)",
  "  1  the guest failed (FAIL test N), stopped at --max-insns, or hit an error while running",
  "  2  bad command line or unusable input file",
  "  3  wasmvisor itself could not run (e.g. the Wasm core is not built)",
].join("\n");

// ---- parsed commands ----

export interface RunCommand {
  kind: "run";
  elfPath?: string;
  kernelPath?: string;
  initrdPath?: string;
  append?: string;
  biosPath?: string;
  rng?: (typeof RNG_CHOICES)[number];
  maxInsns?: bigint;
  timeoutSeconds?: number;
  clock?: (typeof CLOCK_CHOICES)[number];
  sstc: boolean;
  unmapped?: (typeof UNMAPPED_CHOICES)[number];
  entropySeed?: bigint;
  snapshotOn?: SnapshotOnSpec;
  restorePath?: string;
  restoreChangedDisks?: true;
  profile: boolean;
  disks: DiskSpec[];
  virtioConsole: boolean;
  profileJsonPath?: string;
  tracePath?: string;
  /** Absent only with --restore (the snapshot's size then applies). */
  memoryMiB?: number;
}

export type Command = { kind: "help"; text: string } | { kind: "version" } | RunCommand;

/** Parse argv (without the node and script paths). Throws UsageError. */
export function parseArgs(argv: readonly string[]): Command {
  const first = argv[0];
  if (first === undefined) throw new UsageError("no command given (try 'wasmvisor --help')");
  const command = COMMANDS.find((c) => c.name === first);
  if (command === undefined) {
    if (!first.startsWith("-")) throw new UsageError(`unknown command '${first}' (try 'wasmvisor --help')`);
    const global = parseOptions(GLOBAL_OPTIONS, argv, "wasmvisor");
    if (global.help) return { kind: "help", text: globalHelp() };
    return { kind: "version" };
  }

  const values = parseOptions(RUN_OPTIONS, argv.slice(1), "wasmvisor run");
  if (values.help) return { kind: "help", text: commandHelp(command) };
  const run: RunCommand = {
    kind: "run",
    memoryMiB: values.memoryMiB ?? DEFAULT_MEMORY_MIB,
    sstc: values.sstc !== "off",
    profile: values.profile === true,
    disks: values.disk ?? [],
    virtioConsole: values.virtioConsole === true,
  };
  if (values.elf !== undefined && values.kernel !== undefined) throw new UsageError("give either --elf or --kernel, not both");
  if (values.restore !== undefined) {
    for (const [flag, given] of [["--elf", values.elf], ["--kernel", values.kernel]] as const) {
      if (given !== undefined) throw new UsageError(`${flag} cannot go with --restore: the guest comes from the snapshot`);
    }
    run.restorePath = values.restore;
    if (values.restoreChangedDisks === true) run.restoreChangedDisks = true;
    // The snapshot decides the RAM size; only a --memory the user gave is checked against it.
    if (values.memoryMiB === undefined) delete run.memoryMiB;
  } else if (values.restoreChangedDisks === true) {
    throw new UsageError("--restore-changed-disks needs --restore");
  }
  if (values.snapshotOn !== undefined) run.snapshotOn = values.snapshotOn;
  const kernelOnly = [["--initrd", values.initrd], ["--append", values.append], ["--bios", values.bios], ["--sstc", values.sstc]] as const;
  for (const [flag, value] of kernelOnly) {
    if (value !== undefined && values.kernel === undefined) {
      throw new UsageError(values.restore !== undefined ? `${flag} cannot go with --restore: the guest comes from the snapshot` : `${flag} needs --kernel`);
    }
  }
  if (values.elf !== undefined) run.elfPath = values.elf;
  if (values.kernel !== undefined) run.kernelPath = values.kernel;
  if (values.initrd !== undefined) run.initrdPath = values.initrd;
  if (values.append !== undefined) run.append = values.append;
  if (values.bios !== undefined) run.biosPath = values.bios;
  if (values.rng !== undefined) run.rng = values.rng;
  if (values.maxInsns !== undefined) run.maxInsns = values.maxInsns;
  if (values.timeout !== undefined) run.timeoutSeconds = values.timeout;
  if (values.clock !== undefined) run.clock = values.clock;
  if (values.unmapped !== undefined) run.unmapped = values.unmapped;
  if (values.entropySeed !== undefined) run.entropySeed = values.entropySeed;
  if (values.profileJson !== undefined) run.profileJsonPath = values.profileJson;
  if (values.trace !== undefined) run.tracePath = values.trace;
  return run;
}

/** Parse options against a table. Every argument must be one of its options. */
export function parseOptions<Table extends OptionTable>(
  table: Table,
  args: readonly string[],
  context: string,
): OptionValues<Table> {
  const values: Record<string, unknown> = {};
  const entries = Object.entries(table);
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const found = entries.find(([, spec]) => spec.flag === name || ("short" in spec && spec.short === name));
    if (found === undefined) {
      if (!arg.startsWith("-") || arg === "-") throw new UsageError(`unexpected argument '${arg}' (see '${context} --help')`);
      throw new UsageError(`unknown option ${name} (see '${context} --help')`);
    }
    const [key, spec] = found;
    const repeatable = isValueOption(spec) && spec.repeatable === true;
    if (key in values && !repeatable) throw new UsageError(`${spec.flag} given more than once`);
    if (!isValueOption(spec)) {
      if (eq >= 0) throw new UsageError(`${spec.flag} takes no value`);
      values[key] = true;
      continue;
    }
    let text: string;
    if (eq >= 0) {
      text = arg.slice(eq + 1);
    } else {
      const next = args[i + 1];
      // "--elf --max-insns 5" is a forgotten value, not a file called "--max-insns";
      // a value that really starts with '-' can be given as --elf=-name.
      if (next === undefined || (next.startsWith("-") && next !== "-")) {
        throw new UsageError(`${spec.flag} needs a value (${spec.metavar})`);
      }
      text = next;
      i++;
    }
    let second: string | undefined;
    if (spec.pair === true) {
      second = args[i + 1];
      if (eq >= 0 || second === undefined || (second.startsWith("-") && second !== "-")) {
        throw new UsageError(`${spec.flag} needs two values (${spec.metavar})`);
      }
      i++;
    }
    const value = spec.parse(text, spec.flag, second);
    if (repeatable) ((values[key] ??= []) as unknown[]).push(value);
    else values[key] = value;
  }
  return values as OptionValues<Table>;
}

// ---- help, generated from the tables ----

function optionLines(table: OptionTable): string[] {
  const rows = Object.values(table).map((spec) => {
    const names = "short" in spec && spec.short !== undefined ? `${spec.short}, ${spec.flag}` : `    ${spec.flag}`;
    return [isValueOption(spec) ? `${names} ${spec.metavar}` : names, spec.help] as const;
  });
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`);
}

export function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    "usage: wasmvisor <command> [options]",
    "",
    "A RISC-V RV64 virtual machine monitor: the VCPU runs in WebAssembly, the VMM in TypeScript.",
    "",
    "commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    "options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Run 'wasmvisor <command> --help' for the options of a command.",
    "",
  ].join("\n");
}

function commandHelp(command: CommandSpec): string {
  return [
    `usage: ${command.usage}`,
    "",
    ...command.description,
    "",
    "options:",
    ...optionLines(command.options),
    "",
    EXIT_STATUS_HELP,
    "",
  ].join("\n");
}
