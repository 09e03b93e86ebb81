/**
 * MLA weights (HF `modeling_deepseek_v3.py` `DeepseekV3Attention`, `modeling_kimi_linear.py` `KimiLinearAttention`),
 * plain data shared by layer.ts and reference.ts; no tfjs here. Linear weights are stored (in, out) like every
 * `Param` (x @ W); `mlaEntries` writes torch's (out, in).
 *
 * Column layouts (as the modeling code's `view`/`split` read them):
 *   q (from q_proj or q_b_proj): H heads of [dn nope | dr rope]            (`q.view(b, s, H, dn + dr)`, split [dn, dr])
 *   kv_a_proj_with_mqa: [r latent | dr rope key]                            (split [r, dr])
 *   kv_b_proj: H heads of [dn key | dv value]                               (`view(b, s, H, dn + dv)`, split [dn, dv])
 * Glossary: d = dModel, H = nHeads, r = kvLoraRank, rq = qLoraRank, dn/dr/dv = nope/rope/value head dims.
 */
import { gainParam, linearEntry, linearParam, type Param, type WeightEntry } from '../../sim/runtime/params';
import type { Rng } from '../../sim/runtime/rng';
import type { MlaMixer } from './spec';

/** Epsilon of q_a_layernorm and kv_a_layernorm (DeepSeek-V3 / Kimi Linear `rms_norm_eps`). */
export const MLA_NORM_EPS = 1e-6;

/** Default RoPE base of the rope part (DeepSeek-V2/V3 `rope_theta`). */
export const MLA_ROPE_THETA = 10_000;

export interface MlaDims {
  dModel: number;
  nHeads: number;
  kvLoraRank: number;
  qLoraRank: number | null;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
  /** RoPE on the dr part (false: Kimi Linear's NoPE MLA, the part is used as is). */
  rope: boolean;
  ropeTheta: number;
}

export interface MlaWeights {
  dims: MlaDims;
  /** (d, H (dn+dr)) without a q LoRA, else null. */
  qProj: Param | null;
  /** (d, rq), (rq) RMSNorm gain, (rq, H (dn+dr)) with a q LoRA, else null. */
  qAProj: Param | null;
  qANorm: Param | null;
  qBProj: Param | null;
  /** (d, r + dr). */
  kvAProj: Param;
  /** (r) RMSNorm gain of the latent. */
  kvANorm: Param;
  /** (r, H (dn+dv)). */
  kvBProj: Param;
  /** (H dv, d). */
  oProj: Param;
}

/** The runtime dims of an MLA mixer at width dModel. */
export function mlaDims(m: MlaMixer, dModel: number): MlaDims {
  return {
    dModel,
    nHeads: m.nHeads,
    kvLoraRank: m.kvLoraRank,
    qLoraRank: m.qLoraRank,
    qkNopeHeadDim: m.qkNopeHeadDim,
    qkRopeHeadDim: m.qkRopeHeadDim,
    vHeadDim: m.vHeadDim,
    rope: m.positional === 'rope',
    ropeTheta: m.ropeTheta ?? MLA_ROPE_THETA,
  };
}

/** Seeded weights: projections N(0, 1/sqrt(fan_in)), norm gains perturbed around 1 (a wrong mapping shows in tests). */
export function initMlaWeights(dims: MlaDims, rng: Rng): MlaWeights {
  const { dModel: d, nHeads: h, kvLoraRank: r, qLoraRank: rq, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv } = dims;
  const qOut = h * (dn + dr);
  return {
    dims,
    qProj: rq === null ? linearParam(rng.fork(1), d, qOut) : null,
    qAProj: rq === null ? null : linearParam(rng.fork(2), d, rq),
    qANorm: rq === null ? null : gainParam(rng.fork(3), rq),
    qBProj: rq === null ? null : linearParam(rng.fork(4), rq, qOut),
    kvAProj: linearParam(rng.fork(5), d, r + dr),
    kvANorm: gainParam(rng.fork(6), r),
    kvBProj: linearParam(rng.fork(7), r, h * (dn + dv)),
    oProj: linearParam(rng.fork(8), h * dv, d),
  };
}

/** Tensors under the modeling code's names relative to the mixer (`self_attn.`), torch layout. */
export function mlaEntries(w: MlaWeights): WeightEntry[] {
  const out: WeightEntry[] = [];
  if (w.qProj) out.push(linearEntry('q_proj.weight', w.qProj));
  if (w.qAProj && w.qANorm && w.qBProj) {
    out.push(linearEntry('q_a_proj.weight', w.qAProj), ['q_a_layernorm.weight', [...w.qANorm.shape], w.qANorm.data], linearEntry('q_b_proj.weight', w.qBProj));
  }
  out.push(
    linearEntry('kv_a_proj_with_mqa.weight', w.kvAProj),
    ['kv_a_layernorm.weight', [...w.kvANorm.shape], w.kvANorm.data],
    linearEntry('kv_b_proj.weight', w.kvBProj),
    linearEntry('o_proj.weight', w.oProj),
  );
  return out;
}
