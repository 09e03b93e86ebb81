/**
 * Sequence-length dependent costs: memory (weights + KV cache + state) and FLOPs per token at context L.
 *
 * Decode at context L means the step for the L-th token: each attention layer attends min(L, window) positions.
 * Prefill of L tokens is the mean of the decode costs for positions 1..L (causal attention only computes the lower
 * triangle), so prefill FLOPs per token = fixed + 4·H·hd·(Σ_{t=1..L} min(t, W)) / L per attention layer. The
 * recurrent layers are counted in their recurrent form for both (an FFT prefill, as StripedHyena uses, does
 * O(log L) more work per token), and the LM head is counted for every token of the prefill (as in a full forward
 * pass; a generation loop that only needs the last token's logits does less).
 */
import type { Design } from '../../models/schema';
import { analyzeDesign } from './analyzeDesign';
import type { CostOptions, CostPoint, DesignCost } from './types';

function checkSeqLen(seqLen: number): void {
  if (!Number.isSafeInteger(seqLen) || seqLen < 0) throw new RangeError(`seqLen must be a non-negative integer, got ${seqLen}`);
}

/** Positions held by a cache with the given window after `seqLen` tokens. */
export function positionsHeld(seqLen: number, window: number | null): number {
  return window === null ? seqLen : Math.min(seqLen, window);
}

/** Σ_{t=1..L} min(t, W): positions attended over a causal prefill of L tokens. */
export function attendedPositionsInPrefill(seqLen: number, window: number | null): number {
  if (window === null || seqLen <= window) return (seqLen * (seqLen + 1)) / 2;
  return (window * (window + 1)) / 2 + (seqLen - window) * window;
}

/** KV-cache bytes after `seqLen` tokens, each layer capped at its sliding window. */
export function kvBytesAt(cost: DesignCost, seqLen: number): number {
  let kv = 0;
  for (const g of cost.kvGroups) kv += g.bytesPerToken * positionsHeld(seqLen, g.window);
  return kv;
}

/** The costs at one sequence length, from an analysis already made (cheap: no pass over the layers). */
export function costPointAt(cost: DesignCost, seqLen: number): CostPoint {
  checkSeqLen(seqLen);
  const kvCacheBytes = kvBytesAt(cost, seqLen);
  let attnDecode = 0;
  let attnPrefill = 0;
  for (const g of cost.attnFlopGroups) {
    attnDecode += g.flopsPerContextToken * positionsHeld(seqLen, g.window);
    if (seqLen > 0) attnPrefill += (g.flopsPerContextToken * attendedPositionsInPrefill(seqLen, g.window)) / seqLen;
  }
  return {
    seqLen,
    kvCacheBytes,
    stateBytes: cost.stateBytes,
    weightBytes: cost.weightBytes,
    totalBytes: cost.weightBytes + kvCacheBytes + cost.stateBytes,
    flopsPerToken: cost.flopsPerTokenFixed + attnDecode,
    prefillFlopsPerToken: cost.flopsPerTokenFixed + attnPrefill,
  };
}

/** The costs of a design at one sequence length (analyses the design; use `costCurve` for many lengths). */
export function costAt(design: Design, seqLen: number, opts: CostOptions = {}): CostPoint {
  checkSeqLen(seqLen);
  return costPointAt(analyzeDesign(design, opts), seqLen);
}

/** The costs at each sequence length, in the order given; the design is analysed once. */
export function costCurve(design: Design, seqLens: readonly number[], opts: CostOptions = {}): CostPoint[] {
  seqLens.forEach(checkSeqLen);
  const cost = analyzeDesign(design, opts);
  return seqLens.map((L) => costPointAt(cost, L));
}
