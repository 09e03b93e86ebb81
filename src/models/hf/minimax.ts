/**
 * MiniMax-Text-01 / MiniMax-M1 (`model_type: minimax`, the transformers port `configuration_minimax.py` /
 * `modeling_minimax.py`; also the checkpoints' own `minimax_text_01` / `minimax_m1` configs as read by vLLM;
 * research notes §9). Import only.
 * - Layers: `attn_type_list` (0 = lightning, 1 = softmax; the checkpoints), else `layer_types`
 *   (linear_attention / full_attention; the port), else the port's default: full attention at even indices.
 * - Lightning attention (`self_attn.*`): qkv_proj [3·H·hd, d], output_gate [H·hd, d], RMSNorm [H·hd], out_proj; the
 *   per-head decay (slope_rate) is a buffer, not a parameter: the `linear-attention` kind with update "additive", decay
 *   "fixed", no short conv, output gate "full", layout "minimax".
 * - Softmax attention: GQA with RoPE on `rotary_dim` of head_dim (or `partial_rotary_factor`), `rope_theta`.
 * - FFN: Mixtral-style MoE in every layer (softmax router, top-k renormalised, SwiGLU experts of intermediate_size).
 * DeepNorm residual scales (`layernorm_*_alpha/beta`, `*_alpha_factor` / `*_beta_factor`) scale activations only.
 */
import type { Design } from '../schema';
import { LIMITS } from '../schemaKit';
import type { ParseResult } from '../validate';
import { checkLayerCount, finishImport, type Block, type RawLayer } from './common';
import { FamilyReader } from './reader';
import { readRope } from './qwen3Next';

type Json = Record<string, unknown>;

/** A design from a `minimax` (or `minimax_text_01` / `minimax_m1`) config.json. Never throws. */
export function importMiniMax(json: Json, type = 'minimax'): ParseResult<Design> {
  const r = new FamilyReader(json);
  const d = r.int('hidden_size', 4096);
  let full: boolean[];
  const atl = r.list('attn_type_list', LIMITS.layers);
  const lt = r.list('layer_types', LIMITS.layers);
  if (atl) {
    const bad = atl.findIndex((x) => x !== 0 && x !== 1);
    if (bad >= 0) {
      r.issue(`attn_type_list[${bad}]`, `expected 0 (lightning attention) or 1 (softmax attention), got ${JSON.stringify(atl[bad])}`);
      return { ok: false, issues: r.issues };
    }
    full = atl.map((x) => x === 1);
  } else if (lt) {
    const bad = lt.findIndex((x) => x !== 'full_attention' && x !== 'linear_attention');
    if (bad >= 0) {
      r.issue(`layer_types[${bad}]`, `expected "full_attention" or "linear_attention", got ${JSON.stringify(lt[bad])}`);
      return { ok: false, issues: r.issues };
    }
    full = lt.map((x) => x === 'full_attention');
  } else {
    const n = r.int('num_hidden_layers', 32);
    if (!checkLayerCount(r, 'num_hidden_layers', n)) return { ok: false, issues: r.issues };
    full = Array.from({ length: n }, (_, i) => (i + 1) % 2 === 1);
  }
  if (atl && lt && JSON.stringify(lt.map((x) => x === 'full_attention')) !== JSON.stringify(full)) r.issue('layer_types', 'contradicts attn_type_list; give one of them');
  if ((atl || lt) && r.has('num_hidden_layers') && r.int('num_hidden_layers', full.length) !== full.length) r.issue('num_hidden_layers', `${String(r.raw('num_hidden_layers'))} contradicts the ${full.length} entries of ${atl ? 'attn_type_list' : 'layer_types'}`);
  if (full.length === 0) r.issue(atl ? 'attn_type_list' : 'layer_types', 'is empty');
  if (r.issues.length) return { ok: false, issues: r.issues };
  const nHeads = r.int('num_attention_heads', 32);
  const headDim = r.int('head_dim', Math.floor(d / nHeads));
  const lightning: Block = { kind: 'linear-attention', nKeyHeads: nHeads, nValueHeads: nHeads, keyHeadDim: headDim, valueHeadDim: headDim, update: 'additive', decay: 'fixed', convSize: 0, outputGate: 'full', outputNorm: true, lowRank: null, layout: 'minimax' };
  const rope = readRope(r, 1e6, 1);
  let fraction = rope.fraction;
  if (r.has('rotary_dim')) {
    const rd = r.int('rotary_dim', headDim);
    if (r.has('partial_rotary_factor') && Math.abs(rd / headDim - fraction) > 1e-9) r.issue('rotary_dim', `${rd} of head_dim ${headDim} contradicts partial_rotary_factor ${fraction}`);
    fraction = rd / headDim;
  }
  const softmax: Block = { kind: 'attention', nHeads, nKvHeads: r.intOrNull('num_key_value_heads', 8) ?? nHeads, headDim, positional: 'rope', ropeTheta: rope.theta, ...(fraction < 1 ? { ropeFraction: fraction } : {}), slidingWindow: r.intOrNull('sliding_window', null), bias: false };
  const act = r.str('hidden_act', 'silu');
  if (act !== 'silu') r.issue('hidden_act', `"${act}" is not supported; only "silu" (SwiGLU experts) is expressible`);
  if (r.int('shared_intermediate_size', 0, 0) > 0) r.issue('shared_intermediate_size', 'a shared MoE expert in MiniMax (its gating is not documented) is not expressible');
  const postnorm = r.bool('postnorm', false);
  const nExperts = r.alias(['num_local_experts', 'num_experts'], (k) => r.int(k, 8), 8);
  const topK = r.int('num_experts_per_tok', 2);
  if (topK > nExperts) r.issue('num_experts_per_tok', `${topK} exceeds num_local_experts ${nExperts}`);
  const moe: Block = { kind: 'moe', nExperts, topK, expertWidth: r.int('intermediate_size', 14336), activation: 'swiglu', router: 'softmax', normTopK: true };
  const layers: RawLayer[] = full.map((fa) => ({ mixer: fa ? softmax : lightning, ffn: moe }));
  return finishImport({
    type,
    r,
    dModel: d,
    vocabSize: r.int('vocab_size', 32000),
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    maxContext: r.int('max_position_embeddings', 4096 * 32),
    layers,
    notes: [`DeepNorm residual scales${postnorm ? ' and the post-norm residual (same parameters)' : ''} are not part of the design`],
  });
}
