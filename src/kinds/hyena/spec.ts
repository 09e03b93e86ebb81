/**
 * Hyena: what the kind is. StripedHyena's gated convolution with a short FIR and a long filter in modal form
 * (togethercomputer/stripedhyena `model.py`, `engine.py`). Glossary: Ks = shortFilterLength (FIR taps over the 3d
 * projected channels), S = stateSize (poles per channel of the long filter h[t] = Re sum_s R_s p_s^t).
 */
import { z } from 'zod';
import { LIMITS, int } from '../../models/schemaKit';
import { mixerSpec } from '../kindSpec';

export const HyenaSchema = z.strictObject({
  kind: z.literal('hyena'),
  shortFilterLength: int(LIMITS.shortFilter),
  stateSize: int(LIMITS.stateSize),
  projBias: z.boolean().default(true),
});

export type HyenaMixer = z.infer<typeof HyenaSchema>;

export const hyenaSpec = mixerSpec({
  kind: 'hyena',
  role: 'mixer',
  group: 'recurrent',
  ratioSide: 'recurrent',
  preNorm: true,
  style: { color: '#0ca678', letter: 'H', label: 'Hyena', ink: '#ffffff' },
  tradeoff: 'Implicit long convolution + short FIR; sub-quadratic, tiny modal state.',
  schema: HyenaSchema,
  /** StripedHyena 7B: short filter 3, 2 poles per channel. */
  defaults: (): HyenaMixer => ({ kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }),
  summary: (m) => `Hyena S${m.stateSize}`,
  scale: (m) => m,
});
