import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng';
import { splitRange } from '../../scan/scanSimd';
import { ARGS_PER_CALL, CTRL, KERNEL_IDS, MAX_CALLS, drainCalls, simdScanThreads, startSimdScanPool } from './scanPool';
import { instantiateSimdScanKernels, type SimdScanKernels } from './simdScanKernels';

// The threaded scans cut a scan into pieces of channels or heads that threads run in any order. These check, in one
// thread, that any cut run in any order writes exactly what one whole call writes (the recurrences are independent),
// and that the control block's call encoding reaches the kernels. The threads themselves run in Chromium
// (e2e/threads.spec.ts).

describe('splitRange', () => {
  it('covers the range once, in order, in aligned pieces', () => {
    const rng = new Rng(7);
    for (let trial = 0; trial < 200; trial++) {
      const start = Math.floor(rng.next() * 50);
      const end = start + Math.floor(rng.next() * 300);
      const parts = 1 + Math.floor(rng.next() * 12);
      const align = [1, 2, 4, 16, 64][Math.floor(rng.next() * 5)]!;
      const pieces = splitRange(start, end, parts, align);
      const covered = pieces.flatMap(([a, b]) => Array.from({ length: b - a }, (_, i) => a + i));
      expect(covered).toEqual(Array.from({ length: end - start }, (_, i) => start + i));
      pieces.slice(0, -1).forEach(([a, b]) => expect((b - a) % align).toBe(0));
      pieces.forEach(([a, b]) => expect(b).toBeGreaterThan(a));
      if (end > start) expect(pieces.length).toBeLessThanOrEqual(Math.max(parts, 1));
    }
    expect(splitRange(5, 5, 3, 4)).toEqual([]);
    expect(splitRange(0, 10, 4, 4)).toEqual([
      [0, 4],
      [4, 8],
      [8, 10],
    ]);
  });
});

/** A memory with random float32 contents over `floats`, and its kernels. */
function setup(N4: number, S: number, floats: number, seed: number) {
  const memory = new WebAssembly.Memory({ initial: Math.ceil((floats * 4) / 65536) + 1 });
  const k = instantiateSimdScanKernels(N4, S, memory, false);
  const f = new Float32Array(memory.buffer);
  const rng = new Rng(seed);
  for (let i = 0; i < floats; i++) f[i] = rng.uniform(-1, 1);
  return { memory, k, f, rng };
}

function shuffled<T>(xs: T[], rng: Rng): T[] {
  const a = xs.slice();
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

describe('scan kernels on pieces', () => {
  it('selective: channels cut into pieces in any order write what one call per group writes', () => {
    const [L, C, G, N4] = [37, 40, 2, 8];
    const pg = C / G;
    // layout (floats): u, delta at 0 and L·C; A at 2LC; B, C; h; y
    const o = { u: 0, d: L * C, A: 2 * L * C, B: 2 * L * C + C * N4, Cm: 2 * L * C + C * N4 + L * G * N4 };
    const h = o.Cm + L * G * N4, y = h + C * N4, end = y + L * C;
    const { f, k, rng } = setup(N4, 1, end, 3);
    for (let i = 0; i < L * C; i++) f[o.d + i] = 0.01 + Math.abs(f[o.d + i]!); // Δ > 0
    for (let i = 0; i < C * N4; i++) f[o.A + i] = -1 - Math.abs(f[o.A + i]!); // A < 0
    const start = f.slice(0, end);
    const run = (pieces: [number, number, number][]) => {
      f.set(start);
      for (const [g, a, b] of pieces) k.selective(L, C, G, g, a, b, o.u * 4, o.d * 4, o.A * 4, o.B * 4, o.Cm * 4, h * 4, y * 4);
      return f.slice(h, end);
    };
    const whole = run([0, 1].map((g) => [g, g * pg, (g + 1) * pg]));
    for (const [parts, align] of [[3, 1], [7, 2], [20, 1]] as const) {
      const pieces = [0, 1].flatMap((g) => splitRange(g * pg, (g + 1) * pg, parts, align).map(([a, b]) => [g, a, b] as [number, number, number]));
      expect(run(shuffled(pieces, rng))).toEqual(whole);
    }
  });

  it('ssd: heads cut into pieces in any order write what one call per group writes', () => {
    const [L, nh, P, ng, N4] = [29, 6, 4, 2, 12];
    const hpg = nh / ng;
    const o = { x: 0, dt: L * nh * P, dA: L * nh * P + L * nh, B: L * nh * P + 2 * L * nh };
    const Cm = o.B + L * ng * N4, h = Cm + L * ng * N4, y = h + nh * P * N4, end = y + L * nh * P;
    const { f, k, rng } = setup(N4, 1, end, 5);
    for (let i = 0; i < L * nh; i++) f[o.dA + i] = Math.abs(f[o.dA + i]!) * 0.9;
    const start = f.slice(0, end);
    const run = (pieces: [number, number, number][]) => {
      f.set(start);
      for (const [g, a, b] of pieces) k.ssd(L, nh, P, ng, g, a, b, o.x * 4, o.dt * 4, o.dA * 4, o.B * 4, Cm * 4, h * 4, y * 4);
      return f.slice(h, end);
    };
    const whole = run([0, 1].map((g) => [g, g * hpg, (g + 1) * hpg]));
    const pieces = [0, 1].flatMap((g) => splitRange(g * hpg, (g + 1) * hpg, 3, 1).map(([a, b]) => [g, a, b] as [number, number, number]));
    expect(run(shuffled(pieces, rng))).toEqual(whole);
  });

  it('modal: channel blocks cut into pieces in any order write what one call writes; calls also run from a control block', () => {
    const [L, d4, S] = [23, 48, 3];
    const row = d4;
    const o = { x: 0, pr: L * row, pi: L * row + S * row, rr: L * row + 2 * S * row, ri: L * row + 3 * S * row, sr: L * row + 4 * S * row, si: L * row + 5 * S * row };
    const y = L * row + 6 * S * row, end = y + L * row;
    const { f, k, rng } = setup(4, S, end, 9);
    for (let i = 0; i < 2 * S * row; i++) f[o.pr + i] = f[o.pr + i]! * 0.6; // |p| < 1
    const start = f.slice(0, end);
    const ptrs = [o.x, o.pr, o.pi, o.rr, o.ri, o.sr, o.si, y].map((v) => v * 4);
    const run = (ranges: [number, number][]) => {
      f.set(start);
      for (const [a, b] of ranges) k.modal(L, d4, a, b, ...(ptrs as [number, number, number, number, number, number, number, number]));
      return f.slice(o.sr, end);
    };
    const whole = run([[0, d4 * 4]]);
    expect(run(shuffled(splitRange(0, d4 * 4, 5, 64), rng))).toEqual(whole);

    // The same pieces through the control block a pool's threads read (one participant here).
    f.set(start);
    const ctrl = new Int32Array(CTRL.CALLS + MAX_CALLS * ARGS_PER_CALL);
    const calls = splitRange(0, d4 * 4, 5, 64).map(([a, b]) => [L, d4, a, b, ...ptrs]);
    ctrl[CTRL.FN] = KERNEL_IDS.modal;
    ctrl[CTRL.COUNT] = calls.length;
    calls.forEach((a, i) => ctrl.set(a, CTRL.CALLS + i * ARGS_PER_CALL));
    drainCalls(ctrl, k as SimdScanKernels);
    expect(f.slice(o.sr, end)).toEqual(whole);
    expect(ctrl[CTRL.NEXT]).toBe(calls.length + 1); // every call taken, then one failed take
  });

  it('runs no pool in Node: the scans stay on one thread', async () => {
    expect(await startSimdScanPool(4)).toBe(false);
    expect(simdScanThreads()).toBe(1);
  });
});
