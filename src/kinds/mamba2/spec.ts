/**
 * Mamba-2: what the kind is. The SSD layer of state-spaces `mamba2.py` (and Megatron-LM `mamba_mixer.py`, which the
 * Nemotron-H, Zamba2, Falcon-H1, Granite-4.0-H and Bamba checkpoints share). Glossary: N = dState, P = headDim,
 * g = nGroups, K = dConv, di = dInner, nh = di / P heads, convDim = di + 2·g·N.
 *
 * Width: `expand · dModel` (state-spaces), or `nHeads · headDim` when `nHeads` is set (Megatron-LM `mamba_mixer.py`
 * L246-251: "heads set -> d_inner = nheads*headdim"; Nemotron-Nano-9B-v2 is 128 × 80 = 10240, not 2 × 4480).
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { largestDivisorAtMost, mixerSpec, type SpecIssue } from '../kindSpec';

export const Mamba2Schema = z.strictObject({
  kind: z.literal('mamba2'),
  dState: int(LIMITS.dState),
  headDim: int(LIMITS.headDim),
  nGroups: int(LIMITS.heads),
  dConv: int(LIMITS.dConv),
  expand: int(LIMITS.expand),
  /** Heads nh; when set, dInner = nHeads · headDim instead of expand · dModel (Megatron-LM, Nemotron-H). */
  nHeads: int(LIMITS.heads * 16).nullable().default(null),
  chunkSize: int(LIMITS.chunkSize).default(256),
  convBias: z.boolean().default(true),
  projBias: z.boolean().default(false),
  /** The gated RMSNorm before out_proj (`norm.weight [di]`); Falcon-H1 has `mamba_rms_norm: false` on some sizes. */
  gatedNorm: z.boolean().default(true),
});

export type Mamba2Mixer = z.infer<typeof Mamba2Schema>;
type Mamba2Width = Pick<Mamba2Mixer, 'expand' | 'headDim' | 'nHeads'>;

/** di: nHeads · headDim when nHeads is set, else expand · dModel. The one owner of the Mamba-2 inner width. */
export function mamba2Inner(m: Mamba2Width, dModel: number): number {
  return m.nHeads ? m.nHeads * m.headDim : m.expand * dModel;
}

/** nh = di / P (`mamba2.py`). */
export function mamba2Heads(m: Mamba2Width, dModel: number): number {
  return mamba2Inner(m, dModel) / m.headDim;
}

/** Conv channels: x, B and C go through the conv, convDim = di + 2·g·N (`mamba2.py`). */
export function mamba2ConvDim(m: Mamba2Width & Pick<Mamba2Mixer, 'nGroups' | 'dState'>, dModel: number): number {
  return mamba2Inner(m, dModel) + 2 * m.nGroups * m.dState;
}

/** state-spaces `mamba2.py` defaults: N 128, P 64 (halved until it divides 2d), g 1, K 4, expand 2, chunk 256. */
export function defaultMamba2(dModel: number): Mamba2Mixer {
  const dInner = 2 * dModel;
  let headDim = 64;
  while (dInner % headDim !== 0) headDim /= 2;
  return { kind: 'mamba2', dState: 128, headDim, nGroups: 1, dConv: 4, expand: 2, nHeads: null, chunkSize: 256, convBias: true, projBias: false, gatedNorm: true };
}

function check(m: Mamba2Mixer, { dModel }: { dModel: number }): SpecIssue[] {
  const dInner = mamba2Inner(m, dModel);
  if (dInner % m.headDim !== 0) return [{ path: ['headDim'], message: `headDim ${m.headDim} does not divide dInner ${dInner} (expand × dModel)` }];
  const heads = dInner / m.headDim;
  if (heads % m.nGroups !== 0) return [{ path: ['nGroups'], message: `nGroups ${m.nGroups} does not divide the ${heads} heads` }];
  return [];
}

export const mamba2Spec = mixerSpec({
  kind: 'mamba2',
  role: 'mixer',
  group: 'recurrent',
  ratioSide: 'recurrent',
  preNorm: true,
  style: { color: '#7048e8', letter: '2', label: 'Mamba-2', ink: '#ffffff' },
  tradeoff: 'SSD scan: matmul-friendly, larger state (N=128); O(n) time, fixed state.',
  schema: Mamba2Schema,
  defaults: defaultMamba2,
  summary: (m) => `Mamba-2 N${m.dState}`,
  check,
  /**
   * Keeps the ratio di / dModel (expand, or nHeads · P / d), uses the profile's head dim (the largest divisor of the
   * scaled di at most that), the largest group count that divides the heads, and caps dState.
   */
  scale: (m, { dFull, profile: p }) => {
    const dInner = Math.max(1, Math.round((mamba2Inner(m, dFull) / dFull) * p.dModel));
    const headDim = largestDivisorAtMost(dInner, p.headDim);
    const nHeads = dInner / headDim;
    return {
      ...m,
      dState: p.maxDState === undefined ? m.dState : Math.min(m.dState, p.maxDState),
      headDim,
      nHeads: m.nHeads === null && dInner === m.expand * p.dModel ? null : nHeads,
      nGroups: largestDivisorAtMost(nHeads, m.nGroups),
    };
  },
});
