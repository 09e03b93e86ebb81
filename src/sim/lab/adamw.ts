/**
 * AdamW with global-norm gradient clipping and a warm-up + cosine (or constant) learning-rate schedule, on plain
 * Float32Arrays: the parameters' own data (the `Param`s of the model's weights, which the lab uploads to its tfjs
 * variables after each step). Pure and deterministic: the same gradients give the same weights on every backend.
 *
 * Loshchilov & Hutter 2019 (decoupled weight decay), as torch.optim.AdamW:
 *   p ← p − lr·wd·p (decayed parameters only); m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 *   p ← p − lr·(m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + ε).
 * Clipping (torch.nn.utils.clip_grad_norm_): g ← g·min(1, c / ‖g‖₂) with ‖g‖₂ over every gradient together.
 * Schedule: linear warm-up over the first W steps to lr, then cosine from lr to minRatio·lr at the last step
 * (or constant lr).
 */

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global-norm clip; Infinity disables it. */
  clipNorm: number;
}

export const ADAMW_DEFAULTS: AdamWConfig = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1, clipNorm: 1 };

export interface Schedule {
  lr: number;
  steps: number;
  warmupSteps: number;
  kind: 'cosine' | 'constant';
  /** Cosine ends at minRatio·lr. */
  minRatio: number;
}

/** The learning rate of step `t` (0-based). */
export function learningRate(s: Schedule, t: number): number {
  if (t < s.warmupSteps) return (s.lr * (t + 1)) / s.warmupSteps;
  if (s.kind === 'constant') return s.lr;
  const span = Math.max(1, s.steps - s.warmupSteps - 1);
  const p = Math.min(1, (t - s.warmupSteps) / span);
  return s.lr * (s.minRatio + (1 - s.minRatio) * 0.5 * (1 + Math.cos(Math.PI * p)));
}

/** One trainable array and whether it decays. */
export interface AdamWParam {
  data: Float32Array;
  decay: boolean;
}

export class AdamW {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    readonly params: readonly AdamWParam[],
    readonly cfg: AdamWConfig = ADAMW_DEFAULTS,
  ) {
    this.m = params.map((p) => new Float32Array(p.data.length));
    this.v = params.map((p) => new Float32Array(p.data.length));
  }

  /** Steps taken. */
  get steps(): number {
    return this.t;
  }

  /**
   * One update with learning rate `lr`; `grads[i]` is the gradient of params[i] (null: no gradient this step, the
   * parameter only decays). Returns the global gradient norm before clipping.
   */
  step(grads: readonly (Float32Array | null)[], lr: number): number {
    if (grads.length !== this.params.length) throw new Error(`AdamW: ${grads.length} gradients for ${this.params.length} parameters`);
    let sq = 0;
    for (const g of grads) if (g) for (let i = 0; i < g.length; i++) sq += g[i]! * g[i]!;
    const norm = Math.sqrt(sq);
    const scale = Number.isFinite(this.cfg.clipNorm) && norm > this.cfg.clipNorm ? this.cfg.clipNorm / norm : 1;
    this.t++;
    const { beta1: b1, beta2: b2, eps, weightDecay: wd } = this.cfg;
    const c1 = 1 - Math.pow(b1, this.t);
    const c2 = 1 - Math.pow(b2, this.t);
    this.params.forEach((p, k) => {
      const g = grads[k];
      const d = p.data;
      if (p.decay && wd > 0) {
        const f = 1 - lr * wd;
        for (let i = 0; i < d.length; i++) d[i] = d[i]! * f;
      }
      if (!g) return;
      if (g.length !== d.length) throw new Error(`AdamW: gradient ${k} has ${g.length} values for ${d.length} parameters`);
      const m = this.m[k]!;
      const v = this.v[k]!;
      for (let i = 0; i < d.length; i++) {
        const gi = g[i]! * scale;
        const mi = (m[i] = b1 * m[i]! + (1 - b1) * gi);
        const vi = (v[i] = b2 * v[i]! + (1 - b2) * gi * gi);
        d[i] = d[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
      }
    });
    return norm;
  }
}
