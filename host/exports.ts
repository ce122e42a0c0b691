// exports.ts — what both package entry points export besides createVm: types and building blocks for embedders.
export { WasmvisorVm, type VmEvent, type VmOptions } from "./api/create-vm.js";
export type { RngDevice, VmSpec, ExtraDevice, DeviceWiring } from "./vmm/spec.js";
export type { ClockMode, RunLimits, RunLoopHooks, StopReason, VmResult } from "./vmm/vm.js";
export { ExitKind } from "./core/abi.js";
export { ExitProfiler, type ExitProfilerOptions, type ProfileSnapshot } from "./profile/profiler.js";
export { profileJson, profileTable, type ProfileJson } from "./profile/report.js";
export { chromeTrace, chromeTraceJson } from "./profile/trace.js";
export { BufferConsole, CallbackConsole, type ConsoleBackend } from "./backends/console.js";
export { browserEntropy, PooledEntropy, type EntropySource } from "./backends/entropy.js";
export { BootError } from "./boot/errors.js";
export { Bus, BusError, type BusDevice, type UnmappedPolicy } from "./devices/bus.js";
export { Vcpu } from "./core/vcpu.js";
export type { Machine } from "./vmm/builder.js";
export { MemoryDisk, type DiskBackend } from "./backends/disk.js";
export { WorkerVm, type WorkerVmEvent } from "./api/worker/worker-vm.js";
export type { LiveSnapshot } from "./api/worker/protocol.js";
export { patchElfU64 } from "./boot/elf-patch.js";
export { ConsoleSession } from "./api/console-session.js";
