// CRC32-C (slice-by-8) as a hand-assembled WebAssembly function. Compiling it takes well under
// a millisecond, and it runs at compiled speed from the first call: the same loop in JS runs
// in V8's interpreter until it is hot, boxing every uint32 it computes into a heap number.
//
// Memory layout: eight 256-entry uint32 tables at byte 0 (table k at k * 1024, filled from JS),
// then the input, copied in at DATA.

/** Where callers copy input bytes; everything before is the lookup tables. */
export const DATA = 8 * 1024;

// Node has WebAssembly, but neither @types/node nor the ES libs in tsconfig declare it; the
// part used here:
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
};
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

export interface CrcWasm {
  /** CRC of mem[ptr, end) continuing from `crc` (0 to start); unsigned via `>>> 0`. */
  crc(crc: number, ptr: number, end: number): number;
  mem: WasmMemory;
}

// Opcodes used below.
const BLOCK = 0x02, LOOP = 0x03, END = 0x0b, BR = 0x0c, BR_IF = 0x0d, VOID = 0x40;
const GET = 0x20, SET = 0x21, CONST = 0x41, LOAD = 0x28, LOAD8U = 0x2d;
const XOR = 0x73, AND = 0x71, SHL = 0x74, SHR_U = 0x76, SUB = 0x6b, ADD = 0x6a, LT_U = 0x49, GE_U = 0x4f;
const I32 = 0x7f;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const i32 = (n: number): number[] => [CONST, ...sleb(n)];
/** i32.load of table k's entry at the byte index on the stack. */
const table = (k: number): number[] => [...i32(2), SHL, LOAD, 2, ...uleb(k * 1024)];
/** Table k indexed by byte `shift / 8` of local `l`. */
function term(k: number, l: number, shift: number): number[] {
  const byte = shift === 24 ? [GET, l, ...i32(24), SHR_U] : [GET, l, ...(shift ? [...i32(shift), SHR_U] : []), ...i32(0xff), AND];
  return [...byte, ...table(k)];
}

function body(): number[] {
  // params: 0 crc, 1 ptr, 2 end; locals: 3 lo, 4 hi
  const [crc, ptr, end, lo, hi] = [0, 1, 2, 3, 4];
  return [
    1, 2, I32, // two i32 locals
    GET, crc, ...i32(-1), XOR, SET, crc,
    BLOCK, VOID, LOOP, VOID,
    GET, end, GET, ptr, SUB, ...i32(8), LT_U, BR_IF, 1,
    GET, crc, GET, ptr, LOAD, 0, 0, XOR, SET, lo,
    GET, ptr, LOAD, 0, 4, SET, hi,
    ...term(7, lo, 0), ...term(6, lo, 8), XOR, ...term(5, lo, 16), XOR, ...term(4, lo, 24), XOR,
    ...term(3, hi, 0), XOR, ...term(2, hi, 8), XOR, ...term(1, hi, 16), XOR, ...term(0, hi, 24), XOR,
    SET, crc,
    GET, ptr, ...i32(8), ADD, SET, ptr,
    BR, 0, END, END,
    BLOCK, VOID, LOOP, VOID,
    GET, ptr, GET, end, GE_U, BR_IF, 1,
    GET, crc, GET, ptr, LOAD8U, 0, 0, XOR, ...i32(0xff), AND, ...table(0),
    GET, crc, ...i32(8), SHR_U, XOR, SET, crc,
    GET, ptr, ...i32(1), ADD, SET, ptr,
    BR, 0, END, END,
    GET, crc, ...i32(-1), XOR,
    END,
  ];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

const name = (s: string): number[] => [s.length, ...Buffer.from(s, 'latin1')];

function moduleBytes(): Uint8Array {
  const code = body();
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [1, 0x60, 3, I32, I32, I32, 1, I32]), // type 0: (i32 i32 i32) -> i32
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // one memory, at least 1 page
    ...section(7, [2, ...name('crc'), 0, 0, ...name('mem'), 2, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

/** Instantiates the module with its tables filled from `tables` (8 x 256 uint32). */
export function instantiateCrc(tables: Uint32Array): CrcWasm {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes()));
  const mem = inst.exports['mem'] as WasmMemory;
  // Wasm memory is little-endian whatever the host is.
  const dv = new DataView(mem.buffer);
  for (let i = 0; i < tables.length; i++) dv.setUint32(i * 4, tables[i]!, true);
  return { crc: inst.exports['crc'] as CrcWasm['crc'], mem };
}
