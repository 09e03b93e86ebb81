/**
 * Mamba-1: what the kind is. The selective SSM of state-spaces `mamba_simple.py` (and Jamba's variant with three inner
 * RMSNorms, HF `modeling_jamba.py`). Glossary: N = dState, K = dConv (causal depthwise conv width),
 * dInner = expand · dModel, r = dtRank ("auto" = ceil(dModel / 16)).
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { mixerSpec } from '../kindSpec';

export const MambaSchema = z.strictObject({
  kind: z.literal('mamba'),
  dState: int(LIMITS.dState),
  dConv: int(LIMITS.dConv),
  expand: int(LIMITS.expand),
  dtRank: z.union([int(LIMITS.dtRank), z.literal('auto')]).default('auto'),
  convBias: z.boolean().default(true),
  projBias: z.boolean().default(false),
  /** Jamba's three inner RMSNorms on dt (r), B (N) and C (N). */
  innerNorms: z.boolean().default(false),
});

export type MambaMixer = z.infer<typeof MambaSchema>;

/** dInner = expand · dModel (state-spaces `mamba_simple.py`). */
export function mambaInner(m: { expand: number }, dModel: number): number {
  return m.expand * dModel;
}

/** dtRank: "auto" = ceil(dModel / 16) (state-spaces `mamba_simple.py`; HF `configuration_jamba.py`). */
export function mambaDtRank(m: Pick<MambaMixer, 'dtRank'>, dModel: number): number {
  return m.dtRank === 'auto' ? Math.ceil(dModel / 16) : m.dtRank;
}

export const mambaSpec = mixerSpec({
  kind: 'mamba',
  role: 'mixer',
  group: 'recurrent',
  ratioSide: 'recurrent',
  preNorm: true,
  style: { color: '#1c7ed6', letter: 'M', label: 'Mamba', ink: '#ffffff' },
  tradeoff: 'Selective SSM: O(n) time, fixed-size state; recall is compressed (approximate).',
  schema: MambaSchema,
  /** state-spaces `mamba_simple.py` defaults: N 16, K 4, expand 2, dtRank auto. */
  defaults: (): MambaMixer => ({ kind: 'mamba', dState: 16, dConv: 4, expand: 2, dtRank: 'auto', convBias: true, projBias: false, innerNorms: false }),
  summary: (m) => `Mamba N${m.dState}`,
  /** Keeps dConv and expand, caps dState, scales a numeric dtRank with d. */
  scale: (m, { dFull, profile: p }): MambaMixer => ({
    ...m,
    dState: p.maxDState === undefined ? m.dState : Math.min(m.dState, p.maxDState),
    dtRank: m.dtRank === 'auto' ? 'auto' : Math.max(1, Math.round((m.dtRank * p.dModel) / dFull)),
  }),
});
