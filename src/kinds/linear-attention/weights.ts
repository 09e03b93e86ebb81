/**
 * Linear-attention mixer weights, plain data shared by layer.ts and reference.ts (no tfjs here), and the stored
 * tensors under each layout's names (the exporters' view). Glossary in spec.ts.
 *
 * Internally every projection is kept unfused, (in, out) so that a projection is x @ W; `linearAttentionEntries`
 * fuses them as the maker's code stores them, in torch's (out, in) layout:
 * - qwen3-next (HF `Qwen3NextGatedDeltaNet.fix_query_key_value_ordering`): in_proj_qkvz rows grouped per key head g:
 *   q_g (dk), k_g (dk), v of value heads g·r … g·r + r − 1 (r·dv), z of the same heads (r·dv); in_proj_ba per key
 *   head: b of its r value heads, then a of them; conv1d channels q (all heads), k, v.
 * - minimax (`MiniMaxText01LightningAttention`: qkv viewed as (heads, 3·hd), split q, k, v): qkv_proj rows per head
 *   h: q_h, k_h, v_h.
 * - kimi and generic: one tensor per projection; the conv taps of q, k and v as q_conv1d, k_conv1d, v_conv1d.
 */
import { gainParam, linearParam, randnParam, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import { dtBiasParam } from '../mamba/weights';
import { linearAttentionDims, linearNormSpan, type LinearAttentionMixer } from './spec';

/** Epsilon of the output RMSNorm (`rms_norm_eps` 1e-6 in Qwen3-Next, Kimi Linear and MiniMax configs). */
export const LINEAR_NORM_EPS = 1e-6;
/** Epsilon of the q/k L2 norm of the delta rule (HF `l2norm(x, eps=1e-6)`: x · rsqrt(Σx² + eps)). */
export const LINEAR_L2_EPS = 1e-6;

export interface LinearAttentionWeights {
  /** (d, nk·dk), (d, nk·dk), (d, nv·dv). */
  wq: Param;
  wk: Param;
  wv: Param;
  /** (convDim, K) depthwise taps over q‖k‖v, tap K−1 on the current token; null when convSize is 0. */
  conv: Param | null;
  /** decay head: (d, nv), the `a` projection. */
  wa: Param | null;
  /** decay channel: (d, R) and (R, nv·dk), KDA's f_a / f_b. */
  fa: Param | null;
  fb: Param | null;
  /** decay head or channel: (nv); the decay rate is exp(A_log). */
  aLog: Param | null;
  /** decay head: (nv); decay channel: (nv·dk). */
  dtBias: Param | null;
  /** decay fixed: the per-value-head slopes, α = exp(−slope) (a buffer, not a parameter). */
  slopes: Float32Array | null;
  /** delta rule: (d, nv), β = sigmoid(x @ wb). */
  wb: Param | null;
  /** outputGate full: (d, nv·dv). */
  wg: Param | null;
  /** outputGate lowrank: (d, R) and (R, nv·dv). */
  ga: Param | null;
  gb: Param | null;
  /** outputNorm: the RMSNorm gain, (dv) shared by the heads, or (nv·dv) for minimax. */
  norm: Param | null;
  /** (nv·dv, d). */
  wo: Param;
}

/**
 * ALiBi slopes for n heads (Press et al., `get_slopes`; MiniMax `_build_slope_tensor`): for n a power of two
 * s_i = 2^(−8(i+1)/n); otherwise the slopes of the power of two below, then every other slope of the one above.
 * MiniMax further scales them by (1 − layer/(layers − 1) + 1e-5) per layer; the fixed decay here uses the plain slopes.
 */
export function alibiSlopes(n: number): Float32Array {
  const pow2 = (m: number) => Array.from({ length: m }, (_, i) => 2 ** ((-8 * (i + 1)) / m));
  if (Number.isInteger(Math.log2(n))) return Float32Array.from(pow2(n));
  const c = 2 ** Math.floor(Math.log2(n));
  return Float32Array.from([...pow2(c), ...pow2(2 * c).filter((_, i) => i % 2 === 0).slice(0, n - c)]);
}

/**
 * Seeded weights: projections N(0, 1/√fan_in), conv taps N(0, 1/√K); A uniform in [1, 16] stored as A_log (GDN, KDA
 * init); dt_bias from dt log-uniform in [1e-3, 1e-1] (as Mamba's); norm gain perturbed around 1 so a wrong mapping
 * shows in tests.
 */
export function initLinearAttentionWeights(m: LinearAttentionMixer, dModel: number, rng: Rng): LinearAttentionWeights {
  const s = linearAttentionDims(m);
  if (!Number.isInteger(s.ratio)) throw new Error(`linear-attention.nValueHeads ${s.nv} must be a multiple of nKeyHeads ${s.nk}`);
  const d = dModel;
  const dataDependent = m.decay === 'head' || m.decay === 'channel';
  let aLog: Param | null = null;
  if (dataDependent) {
    const ar = rng.fork(9);
    aLog = { shape: [s.nv], data: Float32Array.from({ length: s.nv }, () => Math.log(ar.uniform(1, 16))) };
  }
  return {
    wq: linearParam(rng.fork(1), d, s.keyDim),
    wk: linearParam(rng.fork(2), d, s.keyDim),
    wv: linearParam(rng.fork(3), d, s.valueDim),
    conv: s.convSize > 0 ? randnParam(rng.fork(4), [s.convDim, s.convSize], 1 / Math.sqrt(s.convSize)) : null,
    wa: m.decay === 'head' ? linearParam(rng.fork(5), d, s.nv) : null,
    fa: m.decay === 'channel' ? linearParam(rng.fork(6), d, s.rank) : null,
    fb: m.decay === 'channel' ? linearParam(rng.fork(7), s.rank, s.nv * s.dk) : null,
    aLog,
    dtBias: dataDependent ? dtBiasParam(rng.fork(8), m.decay === 'head' ? s.nv : s.nv * s.dk) : null,
    slopes: m.decay === 'fixed' ? alibiSlopes(s.nv) : null,
    wb: m.update === 'delta' ? linearParam(rng.fork(10), d, s.nv) : null,
    wg: m.outputGate === 'full' ? linearParam(rng.fork(11), d, s.valueDim) : null,
    ga: m.outputGate === 'lowrank' ? linearParam(rng.fork(12), d, s.rank) : null,
    gb: m.outputGate === 'lowrank' ? linearParam(rng.fork(13), s.rank, s.valueDim) : null,
    norm: m.outputNorm ? gainParam(rng.fork(14), linearNormSpan(m)) : null,
    wo: linearParam(rng.fork(15), s.valueDim, d),
  };
}

/** One output row of a fused torch weight: column `col` of the (in, out) parameter `p`. */
type Row = readonly [p: Param, col: number];

/** A torch (out, in) weight whose rows are the given columns of (in, out) parameters, in order. */
function fusedRows(name: string, rows: readonly Row[]): WeightEntry {
  const din = rows[0]![0].shape[0]!;
  const data = new Float32Array(rows.length * din);
  rows.forEach(([p, col], r) => {
    const dout = p.shape[1]!;
    for (let i = 0; i < din; i++) data[r * din + i] = p.data[i * dout + col]!;
  });
  return [name, [rows.length, din], data];
}

/** Columns [from, from + n) of p as rows. */
function cols(p: Param, from: number, n: number): Row[] {
  return Array.from({ length: n }, (_, i) => [p, from + i] as const);
}

const linear = (name: string, p: Param): WeightEntry => fusedRows(name, cols(p, 0, p.shape[1]!));
const vector = (name: string, p: Param): WeightEntry => [name, [...p.shape], p.data];

/** Conv taps (ch, K) of channels [from, from + n) as a torch conv1d weight (n, 1, K). */
function convEntry(name: string, conv: Param, from: number, n: number): WeightEntry {
  const K = conv.shape[1]!;
  return [name, [n, 1, K], conv.data.slice(from * K, (from + n) * K)];
}

function need<T>(v: T | null, what: string): T {
  if (v === null) throw new Error(`linear-attention weights: ${what} missing for this configuration`);
  return v;
}

/**
 * The stored tensors under the layout's names, fused and ordered as the maker's code stores them, torch layout. The
 * names, order and shapes equal the cost model's (`linearAttentionTensors`), which a test checks.
 */
export function linearAttentionEntries(m: LinearAttentionMixer, w: LinearAttentionWeights): WeightEntry[] {
  const s = linearAttentionDims(m);
  const { nk, nv, dk, dv, ratio: r } = s;
  const out: WeightEntry[] = [];
  switch (m.layout) {
    case 'qwen3-next': {
      const wg = need(w.wg, 'z (output gate)');
      const wb = need(w.wb, 'b (beta)');
      const wa = need(w.wa, 'a (decay)');
      const qkvz: Row[] = [];
      const ba: Row[] = [];
      for (let g = 0; g < nk; g++) {
        qkvz.push(...cols(w.wq, g * dk, dk), ...cols(w.wk, g * dk, dk), ...cols(w.wv, g * r * dv, r * dv), ...cols(wg, g * r * dv, r * dv));
        ba.push(...cols(wb, g * r, r), ...cols(wa, g * r, r));
      }
      out.push(fusedRows('in_proj_qkvz.weight', qkvz), fusedRows('in_proj_ba.weight', ba));
      out.push(convEntry('conv1d.weight', need(w.conv, 'conv1d'), 0, s.convDim));
      out.push(vector('dt_bias', need(w.dtBias, 'dt_bias')), vector('A_log', need(w.aLog, 'A_log')), vector('norm.weight', need(w.norm, 'norm')));
      out.push(linear('out_proj.weight', w.wo));
      return out;
    }
    case 'minimax': {
      const qkv: Row[] = [];
      for (let h = 0; h < nv; h++) qkv.push(...cols(w.wq, h * dk, dk), ...cols(w.wk, h * dk, dk), ...cols(w.wv, h * dv, dv));
      out.push(fusedRows('qkv_proj.weight', qkv), linear('output_gate.weight', need(w.wg, 'output_gate')), linear('out_proj.weight', w.wo), vector('norm.weight', need(w.norm, 'norm')));
      return out;
    }
    case 'kimi':
    case 'generic': {
      const kimi = m.layout === 'kimi';
      out.push(linear('q_proj.weight', w.wq), linear('k_proj.weight', w.wk), linear('v_proj.weight', w.wv));
      const conv = w.conv ? [convEntry('q_conv1d.weight', w.conv, 0, s.keyDim), convEntry('k_conv1d.weight', w.conv, s.keyDim, s.keyDim), convEntry('v_conv1d.weight', w.conv, 2 * s.keyDim, s.valueDim)] : [];
      if (kimi) out.push(...conv);
      if (w.wa) out.push(linear('a_proj.weight', w.wa));
      if (w.fa && w.fb) out.push(linear('f_a_proj.weight', w.fa), linear('f_b_proj.weight', w.fb));
      if (w.wb) out.push(linear('b_proj.weight', w.wb));
      if (!kimi) out.push(...conv);
      if (w.wg) out.push(linear('g_proj.weight', w.wg));
      if (w.ga && w.gb) out.push(linear('g_a_proj.weight', w.ga), linear('g_b_proj.weight', w.gb));
      if (w.aLog && w.dtBias) out.push(vector('A_log', w.aLog), vector('dt_bias', w.dtBias));
      if (w.norm) out.push(vector('o_norm.weight', w.norm));
      out.push(linear('o_proj.weight', w.wo));
      return out;
    }
  }
}

