/** Size of a WebAssembly memory page. */
const WASM_PAGE = 64 * 1024;

/** The part of the WebAssembly global used here (the project's type libraries do not declare it). */
interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum?: number }): { readonly buffer: ArrayBuffer };
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: WasmMemoryConstructor } }).WebAssembly
  .Memory;

/**
 * A zero-filled Buffer of `bytes` (rounded up to 64 KiB) whose memory starts on a page boundary,
 * as O_DIRECT reads and writes of block devices require (EINVAL otherwise). Node gives no way to
 * align an ordinary Buffer; a WebAssembly memory is page-aligned by construction. Never throws
 * except RangeError when the memory cannot be reserved.
 */
export function alignedBuffer(bytes: number): Buffer {
  const pages = Math.max(1, Math.ceil(bytes / WASM_PAGE));
  const memory = new WasmMemory({ initial: pages, maximum: pages });
  return Buffer.from(memory.buffer, 0, bytes);
}

/** `value` rounded down to a multiple of `unit`. */
export function alignDown(value: number, unit: number): number {
  return Math.floor(value / unit) * unit;
}

/** `value` rounded up to a multiple of `unit`. */
export function alignUp(value: number, unit: number): number {
  return Math.ceil(value / unit) * unit;
}
