import type { Dtype } from '../../models/schema';

/** Bytes per stored element for each dtype (int4 packs two elements per byte). */
export const BYTES_PER_ELEMENT = {
  fp32: 4,
  bf16: 2,
  fp16: 2,
  fp8: 1,
  int8: 1,
  int4: 0.5,
} as const satisfies Record<Dtype, number>;
