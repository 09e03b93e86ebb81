import { describe, expect, it } from 'vitest';
import { AdamW, learningRate, type Schedule } from './adamw';

describe('AdamW', () => {
  it('takes the textbook first step: p − lr·sign(g) (bias-corrected), decayed parameters shrink first', () => {
    const a = { data: Float32Array.from([1, -2, 0.5]), decay: true };
    const b = { data: Float32Array.from([3]), decay: false };
    const opt = new AdamW([a, b], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clipNorm: Infinity });
    opt.step([Float32Array.from([0.5, -4, 0]), Float32Array.from([2])], 0.01);
    // decay (1 − 0.01·0.1), then m̂ / sqrt(v̂) = sign(g)
    expect(Array.from(a.data)).toEqual([1 * 0.999 - 0.01, -2 * 0.999 + 0.01, 0.5 * 0.999].map(Math.fround));
    expect(b.data[0]).toBeCloseTo(3 - 0.01, 6);
  });

  it('matches a float64 re-implementation over several steps', () => {
    const p = { data: Float32Array.from([0.3, -0.7]), decay: true };
    const opt = new AdamW([p], { beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.05, clipNorm: Infinity });
    const ref = [0.3, -0.7];
    const m = [0, 0];
    const v = [0, 0];
    const gs = [[0.1, 0.2], [-0.3, 0.05], [0.2, -0.4]];
    gs.forEach((g, t) => {
      opt.step([Float32Array.from(g)], 0.1);
      for (let i = 0; i < 2; i++) {
        ref[i]! *= 1 - 0.1 * 0.05;
        m[i] = 0.8 * m[i]! + 0.2 * g[i]!;
        v[i] = 0.95 * v[i]! + 0.05 * g[i]! ** 2;
        ref[i]! -= (0.1 * (m[i]! / (1 - 0.8 ** (t + 1)))) / (Math.sqrt(v[i]! / (1 - 0.95 ** (t + 1))) + 1e-6);
      }
    });
    expect(p.data[0]).toBeCloseTo(ref[0]!, 5);
    expect(p.data[1]).toBeCloseTo(ref[1]!, 5);
  });

  it('clips by the global norm over all gradients and reports the norm before clipping', () => {
    const p1 = { data: new Float32Array(1), decay: false };
    const p2 = { data: new Float32Array(1), decay: false };
    const clipped = new AdamW([p1, p2], { beta1: 0, beta2: 0, eps: 0, weightDecay: 0, clipNorm: 1 });
    expect(clipped.step([Float32Array.from([3]), Float32Array.from([4])], 1)).toBeCloseTo(5, 12);
    // β = 0: the update is g / |g| per element whatever the scale, so check the moments through a second optimiser
    const q = { data: new Float32Array(1), decay: false };
    const opt = new AdamW([q], { beta1: 0.9, beta2: 0.999, eps: 1, weightDecay: 0, clipNorm: 0.5 });
    opt.step([Float32Array.from([10])], 1);
    // clipped g = 0.5: m̂ = 0.5, v̂ = 0.25, step = 0.5 / (0.5 + 1)
    expect(q.data[0]).toBeCloseTo(-0.5 / 1.5, 6);
  });

  it('skips a parameter without a gradient (it still decays) and refuses mismatched lists', () => {
    const p = { data: Float32Array.from([2]), decay: true };
    const opt = new AdamW([p], { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.5, clipNorm: 1 });
    opt.step([null], 0.1);
    expect(p.data[0]).toBeCloseTo(2 * 0.95, 6);
    expect(() => opt.step([], 0.1)).toThrow('AdamW: 0 gradients for 1 parameters');
  });
});

describe('learningRate', () => {
  const s: Schedule = { lr: 1e-3, steps: 100, warmupSteps: 10, kind: 'cosine', minRatio: 0.1 };
  it('warms up linearly, then follows the cosine from lr down to minRatio·lr at the last step', () => {
    expect(learningRate(s, 0)).toBeCloseTo(1e-4, 12);
    expect(learningRate(s, 9)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 10)).toBeCloseTo(1e-3, 12);
    expect(learningRate(s, 99)).toBeCloseTo(1e-4, 12);
    const mid = learningRate(s, 10 + Math.round(89 / 2));
    expect(mid).toBeGreaterThan(5e-4);
    expect(mid).toBeLessThan(6e-4);
  });
  it('stays at lr after the warm-up when constant', () => {
    expect(learningRate({ ...s, kind: 'constant' }, 50)).toBe(1e-3);
    expect(learningRate({ ...s, kind: 'constant', warmupSteps: 0 }, 0)).toBe(1e-3);
  });
});
