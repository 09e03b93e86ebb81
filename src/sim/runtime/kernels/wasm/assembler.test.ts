import { describe, expect, it } from 'vitest';
import { assembleModule, FunctionBuilder, sleb, uleb } from './assembler';

describe('LEB128', () => {
  it('encodes unsigned values as the spec examples', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(() => uleb(-1)).toThrow(/non-negative/);
  });

  it('encodes signed values, with the sign bit in the last byte', () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(127)).toEqual([0xff, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

function instantiate(...fns: FunctionBuilder[]): Record<string, unknown> & { memory: WebAssembly.Memory } {
  const bytes = assembleModule(fns, 1);
  expect(WebAssembly.validate(bytes)).toBe(true);
  const memory = new WebAssembly.Memory({ initial: 1 });
  const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, unknown>;
  return { ...exports, memory };
}

describe('assembleModule', () => {
  it('runs nested loops in order, with the bounds honoured, writing to its exported memory', () => {
    // grid(ptr, rows, cols): m[ptr + 4·(r·cols + c)] = running count 1, 2, 3, … in loop order
    const g = new FunctionBuilder('grid', ['i32', 'i32', 'i32']);
    const [gp, gr, gc] = g.params as [never, never, never];
    const i = g.local('i32'), j = g.local('i32'), v = g.local('f32');
    g.f32(0).set(v);
    g.forRange(i, () => g.i32(0), () => g.get(gr), 1, () => {
      g.forRange(j, () => g.i32(0), () => g.get(gc), 1, () => {
        g.get(gp).get(i).get(gc).i32Mul().get(j).i32Add().i32(4).i32Mul().i32Add();
        g.get(v).f32(1).f32Add().tee(v).f32Store();
      });
    });
    const ex = instantiate(g);
    (ex.grid as (a: number, b: number, c: number) => void)(64, 3, 5);
    const m = new Float32Array(ex.memory.buffer, 64, 16);
    expect(Array.from(m.subarray(0, 15))).toEqual(Array.from({ length: 15 }, (_, k) => k + 1));
    expect(m[15]).toBe(0);
    (ex.grid as (a: number, b: number, c: number) => void)(0, 0, 5); // an empty range runs no iteration
    expect(new Float32Array(ex.memory.buffer, 0, 1)[0]).toBe(0);
  });

  it('computes f32x4 arithmetic and lane sums like scalar code', () => {
    // dot4(a, b, out): out[0] = Σ_lanes a·b − a + 2·b, through v128 loads, splat, mul/add/sub and extract_lane
    const f = new FunctionBuilder('dot4', ['i32', 'i32', 'i32']);
    const [pa, pb, po] = f.params as [never, never, never];
    const acc = f.local('v128');
    f.get(pa).v128Load().get(pb).v128Load().f32x4Mul();
    f.get(pa).v128Load().f32x4Sub();
    f.f32(2).f32x4Splat().get(pb).v128Load().f32x4Mul().f32x4Add().set(acc);
    f.get(po);
    f.get(acc).f32x4ExtractLane(0).get(acc).f32x4ExtractLane(1).f32Add().get(acc).f32x4ExtractLane(2).f32Add().get(acc).f32x4ExtractLane(3).f32Add();
    f.f32Store();
    const ex = instantiate(f);
    const mem = new Float32Array(ex.memory.buffer);
    const a = [1.5, -2, 3, 0.25], b = [4, 5, -6, 8];
    mem.set(a, 0);
    mem.set(b, 4);
    (ex.dot4 as (a: number, b: number, c: number) => void)(0, 16, 32);
    const expected = a.reduce((s, x, k) => s + x * b[k]! - x + 2 * b[k]!, 0);
    expect(mem[8]).toBeCloseTo(expected, 5);
  });

  it('imports a shared memory (min and max) that two instances write through', () => {
    // put(ptr, v): m[ptr] = v as f32 (the value converted by the caller's f32 const path: store an i32-built float)
    const f = new FunctionBuilder('put', ['i32']);
    f.get(f.params[0]!).f32(2.5).f32Store();
    const bytes = assembleModule([f], { pages: 1, sharedMaxPages: 4 });
    expect(WebAssembly.validate(bytes)).toBe(true);
    // an ordinary memory does not satisfy a shared import, and a shared one does
    expect(() => new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: new WebAssembly.Memory({ initial: 1 }) } })).toThrow();
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    const a = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { put: (p: number) => void };
    const b = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as { put: (p: number) => void };
    a.put(0);
    memory.grow(1);
    b.put(65536); // in the page grown after both instances existed
    const m = new Float32Array(memory.buffer);
    expect([m[0], m[16384]]).toEqual([2.5, 2.5]);
  });

  it('produces a module that fails validation when the stack is unbalanced', () => {
    const f = new FunctionBuilder('bad', []);
    f.i32(1); // a value left on the stack of a function with no results
    expect(WebAssembly.validate(assembleModule([f], 1))).toBe(false);
  });
});
