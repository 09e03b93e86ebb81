/**
 * A small WebAssembly binary assembler: just enough of the format (MVP + the fixed-width SIMD proposal) to write the
 * scan kernels of `simdScanKernels.ts` as readable TypeScript and assemble them in memory when they are first used.
 * Nothing is fetched or generated at build time, so the same code runs in the worker and in Node.
 *
 * Encoding follows the WebAssembly core specification (binary format, §5) and the SIMD proposal's opcode table:
 * a module is the magic and version, then sections (id, byte size, contents); integers are LEB128; a SIMD instruction
 * is the 0xfd prefix followed by its opcode as unsigned LEB128.
 */

export type ValType = 'i32' | 'f32' | 'v128';

const VALTYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  if (!Number.isInteger(n) || n < 0) throw new Error(`uleb: expected a non-negative integer, got ${n}`);
  const out: number[] = [];
  do {
    let byte = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) byte |= 0x80;
    out.push(byte);
  } while (n > 0);
  return out;
}

/** Signed LEB128 of a 32-bit integer. */
export function sleb(n: number): number[] {
  if (!Number.isInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) throw new Error(`sleb: expected a 32-bit integer, got ${n}`);
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    const done = (n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}

function f32Bytes(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...b];
}

function utf8(s: string): number[] {
  return [...new TextEncoder().encode(s)];
}

/** A name: its UTF-8 length, then the bytes. */
function name(s: string): number[] {
  return vec(utf8(s).map((b) => [b]));
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** MVP opcodes used by the kernels. */
const OP = {
  block: 0x02, loop: 0x03, end: 0x0b, br: 0x0c, brIf: 0x0d,
  localGet: 0x20, localSet: 0x21, localTee: 0x22,
  f32Load: 0x2a, f32Store: 0x38,
  i32Const: 0x41, f32Const: 0x43,
  i32GeU: 0x4f,
  f32Add: 0x92, f32Mul: 0x94,
  i32Add: 0x6a, i32Mul: 0x6c,
} as const;

/** SIMD opcodes (after the 0xfd prefix). */
const SIMD = {
  v128Load: 0x00, v128Store: 0x0b,
  i32x4Splat: 0x11, f32x4Splat: 0x13, f32x4ExtractLane: 0x1f,
  i32x4Shl: 0xab, i32x4Add: 0xae,
  f32x4Add: 0xe4, f32x4Sub: 0xe5, f32x4Mul: 0xe6, f32x4Pmin: 0xea, f32x4Pmax: 0xeb,
} as const;

/** A local variable (parameters come first, then declared locals). */
export interface Local {
  readonly index: number;
  readonly type: ValType;
}

/**
 * Builds one function body. Instructions are emitted in stack order (`get(a); get(b); i32Add()` is a + b); the
 * structured helpers (`forRange`) keep loops readable.
 */
export class FunctionBuilder {
  readonly params: Local[];
  private readonly locals: Local[] = [];
  private readonly code: number[] = [];

  constructor(readonly name: string, paramTypes: ValType[]) {
    this.params = paramTypes.map((type, index) => ({ index, type }));
  }

  /** Declares a new local of `type`. */
  local(type: ValType): Local {
    const l = { index: this.params.length + this.locals.length, type };
    this.locals.push(l);
    return l;
  }

  private op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }

  private simd(op: number, ...imm: number[]): this {
    return this.op(0xfd, ...uleb(op), ...imm);
  }

  get(l: Local): this { return this.op(OP.localGet, ...uleb(l.index)); }
  set(l: Local): this { return this.op(OP.localSet, ...uleb(l.index)); }
  tee(l: Local): this { return this.op(OP.localTee, ...uleb(l.index)); }
  i32(v: number): this { return this.op(OP.i32Const, ...sleb(v)); }
  f32(v: number): this { return this.op(OP.f32Const, ...f32Bytes(v)); }

  i32Add(): this { return this.op(OP.i32Add); }
  i32Mul(): this { return this.op(OP.i32Mul); }
  i32GeU(): this { return this.op(OP.i32GeU); }
  f32Add(): this { return this.op(OP.f32Add); }
  f32Mul(): this { return this.op(OP.f32Mul); }

  /** f32 load / store at (address on the stack) + offset bytes; alignment hint 4 bytes. */
  f32Load(offset = 0): this { return this.op(OP.f32Load, 2, ...uleb(offset)); }
  f32Store(offset = 0): this { return this.op(OP.f32Store, 2, ...uleb(offset)); }
  /** v128 load / store at (address on the stack) + offset bytes; alignment hint 4 bytes (no alignment is assumed). */
  v128Load(offset = 0): this { return this.simd(SIMD.v128Load, 2, ...uleb(offset)); }
  v128Store(offset = 0): this { return this.simd(SIMD.v128Store, 2, ...uleb(offset)); }

  i32x4Splat(): this { return this.simd(SIMD.i32x4Splat); }
  f32x4Splat(): this { return this.simd(SIMD.f32x4Splat); }
  f32x4ExtractLane(lane: 0 | 1 | 2 | 3): this { return this.simd(SIMD.f32x4ExtractLane, lane); }
  i32x4Shl(): this { return this.simd(SIMD.i32x4Shl); }
  i32x4Add(): this { return this.simd(SIMD.i32x4Add); }
  f32x4Add(): this { return this.simd(SIMD.f32x4Add); }
  f32x4Sub(): this { return this.simd(SIMD.f32x4Sub); }
  f32x4Mul(): this { return this.simd(SIMD.f32x4Mul); }
  /** Pseudo-minimum b < a ? b : a (one instruction on x64, unlike f32x4.min's NaN rules). */
  f32x4Pmin(): this { return this.simd(SIMD.f32x4Pmin); }
  /** Pseudo-maximum a < b ? b : a. */
  f32x4Pmax(): this { return this.simd(SIMD.f32x4Pmax); }

  /**
   * `for (i = from; i < limit; i += step) body()`, unsigned compare. `from` and `limit` emit one i32 each; `limit`
   * is evaluated every iteration, so pass a local or a constant.
   */
  forRange(i: Local, from: () => void, limit: () => void, step: number, body: () => void): this {
    from();
    this.set(i);
    this.op(OP.block, 0x40, OP.loop, 0x40);
    this.get(i);
    limit();
    this.i32GeU();
    this.op(OP.brIf, 1);
    body();
    this.get(i).i32(step).i32Add().set(i);
    this.op(OP.br, 0, OP.end, OP.end);
    return this;
  }

  /** The function's type and its code entry (locals run-length encoded by type, then the body and `end`). */
  encode(): { type: number[]; body: number[] } {
    const type = [0x60, ...vec(this.params.map((p) => [VALTYPE[p.type]])), ...vec([])];
    const runs: number[][] = [];
    let k = 0;
    while (k < this.locals.length) {
      const t = this.locals[k]!.type;
      let n = 0;
      while (k < this.locals.length && this.locals[k]!.type === t) {
        n++;
        k++;
      }
      runs.push([...uleb(n), VALTYPE[t]]);
    }
    const fn = [...vec(runs), ...this.code, OP.end];
    return { type, body: [...uleb(fn.length), ...fn] };
  }
}

/** The memory a module imports: its minimum size, and for a memory shared between threads its maximum. */
export interface MemoryImport {
  /** Minimum size in 64 KiB pages. */
  pages: number;
  /**
   * Maximum size in pages of a *shared* memory (threads proposal: limits flag 0x03, min and max). A shared memory
   * must declare one; undefined imports an ordinary memory with no maximum (flag 0x00).
   */
  sharedMaxPages?: number;
}

/**
 * A module of `functions` (each exported under its name, no results) that imports its memory as `env.memory`
 * (at least `memory` pages, or a shared memory up to a maximum), so that several modules, and several threads, can
 * use one memory that JS grows and drops.
 */
export function assembleModule(functions: FunctionBuilder[], memory: number | MemoryImport): Uint8Array<ArrayBuffer> {
  const mem = typeof memory === 'number' ? { pages: memory } : memory;
  const limits = mem.sharedMaxPages === undefined ? [0x00, ...uleb(mem.pages)] : [0x03, ...uleb(mem.pages), ...uleb(mem.sharedMaxPages)];
  const section = (id: number, contents: number[]) => [id, ...uleb(contents.length), ...contents];
  const encoded = functions.map((f) => f.encode());
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(encoded.map((e) => e.type))),
    ...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])),
    ...section(3, vec(encoded.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(encoded.map((e) => e.body))),
  ];
  return new Uint8Array(bytes);
}
