/**
 * The deployment planner: time to first token, decode time per token, memory per GPU and concurrency of a full-size
 * design on real hardware, by a roofline per layer and per phase.
 *
 * Glossary: L = context length (tokens), B = batch (sequences), W = a layer's sliding window (null = none), tp / pp =
 * tensor-parallel degree / pipeline stages, wb / kvb / sb / ab = bytes per element of weights, KV cache, state and
 * activations (`BYTES_PER_ELEMENT`), E / k = experts / top-k of a routed (MoE) FFN, V = vocabulary, d = dModel.
 *
 * Everything comes from the cost model's generic per-layer figures (src/sim/cost, `LayerCost`); nothing here looks at
 * a block kind, so a kind added to the cost model is planned without a change here.
 *
 * Per layer and phase, per GPU (all FLOPs, weights, state and scan traffic divided by tp; the KV cache by
 * min(tp, KVH), since a KV head is replicated when there are fewer heads than GPUs, as vLLM does):
 * - Decode of one token at context L, for B sequences:
 *   FLOPs = B·(fixed − scan + attn·min(L, W)) at the activation dtype's rate + B·scan at the state dtype's rate
 *   (`flopsPerTokenFixed`, `scanFlopsPerToken`, `attnFlopsPerContextToken`; the same counting as costAt.ts);
 *   bytes = weights touched by B tokens·wb + KV read min(L, W) positions and written 1 position per sequence·kvb
 *   + state read and written·sb + the scan kernel's inputs and outputs·ab (`scanIoElementsPerToken`).
 * - Prefill of L tokens, for B sequences: FLOPs = B·(L·(fixed − scan) + attn·Σ_{t≤L} min(t, W)) + B·L·scan (the causal
 *   lower triangle, `attendedPositionsInPrefill`); bytes = weights touched by B·L tokens + KV written for L positions
 *   and read once per query tile of `FLASH_QUERY_TILE` rows (FlashAttention-2 streams K and V once per tile) + the
 *   final state written + scan inputs and outputs for L tokens.
 * - Weights touched by n tokens: every weight of the layer, except that a routed FFN reads the experts the n tokens
 *   pick: E·(1 − (1 − k/E)^n) of them in expectation (uniform routing; n = 1 gives k).
 * - Time = max(FLOPs / (peak · efficiency.compute), bytes / (bandwidth · efficiency.memory)); the larger names the
 *   bound. With tp > 1, each residual branch all-reduces B·tokens·d activations: a ring all-reduce sends
 *   2·(tp − 1)/tp of the message per GPU, time = that / (link bandwidth · efficiency.interconnect) + the link's
 *   latency (Megatron-LM: two all-reduces per transformer layer, none overlapped). With pp > 1 the activations cross
 *   pp − 1 stage boundaries; the stages run one after the other (no micro-batch interleaving), so pipeline stages add
 *   memory, not speed.
 * - The head: the LM head multiplies [V, d] for the last position of each sequence (a serving engine computes logits
 *   for the token it samples, so does our runtime); the embedding reads one row per token (not the whole table).
 * - Memory per GPU: stored weights / tp of the layers of its stage (embedding on the first, LM head and final norm on
 *   the last, a shared block on every stage that calls it) + B·(KV cache at L + state). It fits when at most
 *   capacity · efficiency.capacity. Activations and the framework's workspace are not counted (see `capacity`).
 * - Not modelled: kernel launch overhead (CUDA graphs remove most of it), the activations between matmuls (small next
 *   to the weights in decode and to the FLOPs in prefill), overlap of communication with compute.
 */
import { BYTES_PER_ELEMENT } from '../cost/bytesPerElement';
import { attendedPositionsInPrefill, positionsHeld } from '../cost/costAt';
import type { DesignCost, LayerCost } from '../cost/types';
import type { Deployment } from './deployment';
import { peakFlopsFor, type HardwareSpec } from './hardware';

/** Query rows per FlashAttention tile: K and V are read once per tile (Dao 2023, FlashAttention-2, block size 128). */
export const FLASH_QUERY_TILE = 128;

export type Phase = 'prefill' | 'decode';
/** What limits one layer: its FLOPs or its bytes. */
export type Bound = 'compute' | 'memory';
/** What limits a whole phase: compute-bound layers, memory-bound layers, or the links between GPUs. */
export type PhaseBound = Bound | 'interconnect';

/** Bytes moved per GPU, by what they are. */
export interface BytesMoved {
  weights: number;
  kv: number;
  state: number;
  /** The scan kernel's inputs and outputs (not its state). */
  scan: number;
}

/** The roofline of one layer (or of the head) in one phase, per GPU. */
export interface Roofline {
  /** FLOPs at the activation dtype's rate (matmuls, attention scores and values). */
  matmulFlops: number;
  /** Recurrent scan FLOPs, at the state dtype's rate. */
  scanFlops: number;
  bytes: BytesMoved;
  totalBytes: number;
  computeSeconds: number;
  memorySeconds: number;
  /** max(computeSeconds, memorySeconds). */
  seconds: number;
  bound: Bound;
  /** All-reduce time of this layer's residual branches (0 when tp = 1). */
  allReduceSeconds: number;
}

export interface LayerRoofline extends Roofline {
  index: number;
  /** Pipeline stage holding the layer. */
  stage: number;
}

/** One phase of one deployment point. */
export interface PhasePlan {
  /** Total: layers + head + all-reduces + stage-to-stage transfers. */
  seconds: number;
  layers: LayerRoofline[];
  head: Roofline;
  /** All-reduces and stage-to-stage transfers. */
  commSeconds: number;
  /** Time in compute-bound parts, memory-bound parts, and communication. */
  secondsByBound: Record<PhaseBound, number>;
  /** The largest of `secondsByBound`. */
  bound: PhaseBound;
  flops: number;
  bytes: number;
}

/** Memory of the fullest GPU (bytes). */
export interface GpuMemory {
  weights: number;
  kv: number;
  state: number;
  total: number;
}

/** The plan of one design on one hardware at one length and batch. */
export interface DeploymentPoint {
  seqLen: number;
  batch: number;
  tp: number;
  pp: number;
  gpus: number;
  prefill: PhasePlan;
  decode: PhasePlan;
  /** Time to first token: prefill of L tokens for the batch (s). */
  prefillSeconds: number;
  /** One decode step at context L for the batch (s). */
  decodeSecondsPerToken: number;
  /** Tokens/s of one sequence while decoding. */
  decodeTokensPerSec: number;
  /** Tokens/s of the whole batch while decoding (B / step time). */
  aggregateDecodeTokensPerSec: number;
  /** Prompt tokens/s of the prefill (B·L / TTFT). */
  prefillTokensPerSec: number;
  /** The decode phase's bound (the phase a served sequence spends most of its time in). */
  bound: PhaseBound;
  prefillBound: PhaseBound;
  /** Memory on the fullest GPU at this L and batch. */
  memoryPerGpu: GpuMemory;
  memoryPerGpuBytes: number;
  /** Memory a GPU offers: capacity × efficiency.capacity. */
  usableBytesPerGpu: number;
  /** Whether the batch fits at this L. */
  fits: boolean;
  /** Most sequences of length L that fit (Infinity when a sequence costs no memory; 0 when the weights do not fit). */
  maxConcurrency: number;
}

/**
 * Expected number of distinct experts n tokens touch when each picks k of E uniformly: E·(1 − (1 − k/E)^n) (an expert
 * is missed by one token with probability 1 − k/E, by n independent tokens with its n-th power).
 */
export function expectedDistinctExperts(count: number, topK: number, tokens: number): number {
  if (tokens <= 0) return 0;
  if (topK >= count) return count;
  return count * (1 - Math.pow(1 - topK / count, tokens));
}

/** KV elements per position and recurrent state elements per sequence of a layer, from its cache tensors. */
function cacheElements(l: LayerCost): { kvPerPosition: number; state: number } {
  let kvPerPosition = 0;
  let state = 0;
  for (const t of l.cacheTensors) {
    if (t.perPosition) kvPerPosition += t.elements;
    else state += t.elements;
  }
  return { kvPerPosition, state };
}

/** Parameters a layer reads for `tokens` tokens (routed experts: the expected distinct ones). */
function paramsTouched(l: LayerCost, tokens: number): number {
  let p = l.activeParams;
  for (const r of l.routed) p += (expectedDistinctExperts(r.count, r.topK, tokens) - r.topK) * r.paramsPerExpert;
  return p;
}

/** The pipeline stage of layer i of n over pp stages (contiguous, as even as possible). */
export function stageOf(i: number, n: number, pp: number): number {
  return Math.floor((i * pp) / n);
}

interface Rates {
  matmul: number;
  scan: number;
  bandwidth: number;
}

function rates(hw: HardwareSpec, dep: Deployment): Rates {
  const e = dep.efficiency;
  return {
    matmul: peakFlopsFor(hw, dep.precision.activations).flops * e.compute,
    scan: peakFlopsFor(hw, dep.precision.state).flops * e.compute,
    bandwidth: hw.memBandwidth * e.memory,
  };
}

function roofline(matmulFlops: number, scanFlops: number, bytes: BytesMoved, r: Rates, allReduceSeconds: number): Roofline {
  const totalBytes = bytes.weights + bytes.kv + bytes.state + bytes.scan;
  const computeSeconds = matmulFlops / r.matmul + scanFlops / r.scan;
  const memorySeconds = totalBytes / r.bandwidth;
  return {
    matmulFlops,
    scanFlops,
    bytes,
    totalBytes,
    computeSeconds,
    memorySeconds,
    seconds: Math.max(computeSeconds, memorySeconds),
    bound: computeSeconds >= memorySeconds ? 'compute' : 'memory',
    allReduceSeconds,
  };
}

/** One ring all-reduce of `bytes` over tp GPUs (0 for one GPU). */
export function allReduceSeconds(bytes: number, tp: number, hw: HardwareSpec, dep: Deployment): number {
  if (tp <= 1 || !hw.interconnect) return 0;
  return ((2 * (tp - 1)) / tp) * (bytes / (hw.interconnect.bandwidth * dep.efficiency.interconnect)) + hw.interconnect.latencySeconds;
}

/** The roofline of one layer in one phase, per GPU. */
export function layerRoofline(cost: DesignCost, l: LayerCost, phase: Phase, seqLen: number, hw: HardwareSpec, dep: Deployment): Roofline {
  const { precision, batch: B, tp } = dep;
  const wb = BYTES_PER_ELEMENT[precision.weights];
  const kvb = BYTES_PER_ELEMENT[precision.kv];
  const sb = BYTES_PER_ELEMENT[precision.state];
  const ab = BYTES_PER_ELEMENT[precision.activations];
  const { kvPerPosition, state } = cacheElements(l);
  const kvShare = l.kvHeads > 0 ? Math.min(tp, l.kvHeads) : tp;
  const dense = l.flopsPerTokenFixed - l.scanFlopsPerToken;
  const r = rates(hw, dep);
  if (phase === 'decode') {
    const held = positionsHeld(seqLen, l.kvWindow);
    const bytes: BytesMoved = {
      weights: (paramsTouched(l, B) * wb) / tp,
      kv: (kvPerPosition * kvb * B * (held + 1)) / kvShare,
      state: (2 * state * sb * B) / tp,
      scan: (l.scanIoElementsPerToken * ab * B) / tp,
    };
    const comm = l.residualBranches * allReduceSeconds(B * cost.dModel * ab, tp, hw, dep);
    return roofline((B * (dense + l.attnFlopsPerContextToken * held)) / tp, (B * l.scanFlopsPerToken) / tp, bytes, r, comm);
  }
  const L = seqLen;
  const attended = attendedPositionsInPrefill(L, l.kvWindow);
  const bytes: BytesMoved = {
    weights: (paramsTouched(l, B * L) * wb) / tp,
    kv: (kvPerPosition * kvb * B * (L + Math.max(positionsHeld(L, l.kvWindow), attended / FLASH_QUERY_TILE))) / kvShare,
    state: (state * sb * B) / tp,
    scan: (l.scanIoElementsPerToken * ab * B * L) / tp,
  };
  const comm = l.residualBranches * allReduceSeconds(B * L * cost.dModel * ab, tp, hw, dep);
  return roofline((B * (L * dense + l.attnFlopsPerContextToken * attended)) / tp, (B * L * l.scanFlopsPerToken) / tp, bytes, r, comm);
}

/** The head: embedding rows read for every token, final norm, LM head for the last position of each sequence. */
export function headRoofline(cost: DesignCost, phase: Phase, seqLen: number, hw: HardwareSpec, dep: Deployment): Roofline {
  const { precision, batch: B, tp } = dep;
  const wb = BYTES_PER_ELEMENT[precision.weights];
  const vd = cost.vocabSize * cost.dModel;
  const tokens = phase === 'decode' ? B : B * seqLen;
  const bytes: BytesMoved = { weights: ((vd + cost.params.finalNorm + tokens * cost.dModel) * wb) / tp, kv: 0, state: 0, scan: 0 };
  return roofline((2 * vd * B) / tp, 0, bytes, rates(hw, dep), 0);
}

/** One phase at one length: every layer's roofline, the head, communication, totals. */
export function planPhase(cost: DesignCost, phase: Phase, seqLen: number, hw: HardwareSpec, dep: Deployment): PhasePlan {
  const n = cost.layers.length;
  const layers = cost.layers.map((l) => ({ ...layerRoofline(cost, l, phase, seqLen, hw, dep), index: l.index, stage: stageOf(l.index, n, dep.pp) }));
  const head = headRoofline(cost, phase, seqLen, hw, dep);
  const tokens = phase === 'decode' ? dep.batch : dep.batch * seqLen;
  const ab = BYTES_PER_ELEMENT[dep.precision.activations];
  // Stage to stage: the activations of every token cross each boundary once (a point-to-point send, not a ring).
  const p2p = dep.pp > 1 && hw.interconnect ? (dep.pp - 1) * ((tokens * cost.dModel * ab) / (hw.interconnect.bandwidth * dep.efficiency.interconnect) + hw.interconnect.latencySeconds) : 0;
  const byBound: Record<PhaseBound, number> = { compute: 0, memory: 0, interconnect: p2p };
  let flops = head.matmulFlops;
  let bytes = head.totalBytes;
  for (const u of [...layers, head]) {
    byBound[u.bound] += u.seconds;
    byBound.interconnect += u.allReduceSeconds;
  }
  for (const l of layers) {
    flops += l.matmulFlops + l.scanFlops;
    bytes += l.totalBytes;
  }
  const seconds = byBound.compute + byBound.memory + byBound.interconnect;
  const bound = (['compute', 'memory', 'interconnect'] as const).reduce((a, b) => (byBound[b] > byBound[a] ? b : a));
  return { seconds, layers, head, commSeconds: byBound.interconnect, secondsByBound: byBound, bound, flops, bytes };
}

/** Per-stage memory in parts: weights (bytes), KV bytes per position by window, state bytes, per sequence, per GPU. */
interface StageMemory {
  weights: number;
  kvByWindow: Map<number | null, number>;
  state: number;
}

function stageMemory(cost: DesignCost, dep: Deployment): StageMemory[] {
  const { precision, tp, pp } = dep;
  const n = cost.layers.length;
  const wb = BYTES_PER_ELEMENT[precision.weights];
  const stages: { params: number; kvByWindow: Map<number | null, number>; state: number; shared: Set<string> }[] = Array.from({ length: pp }, () => ({ params: 0, kvByWindow: new Map(), state: 0, shared: new Set() }));
  for (const l of cost.layers) {
    const s = stages[stageOf(l.index, n, pp)]!;
    const { kvPerPosition, state } = cacheElements(l);
    s.params += l.params;
    if (l.sharedBlockId !== null) s.shared.add(l.sharedBlockId);
    if (kvPerPosition > 0) {
      const perGpu = (kvPerPosition * BYTES_PER_ELEMENT[precision.kv]) / Math.min(tp, l.kvHeads > 0 ? l.kvHeads : tp);
      s.kvByWindow.set(l.kvWindow, (s.kvByWindow.get(l.kvWindow) ?? 0) + perGpu);
    }
    s.state += (state * BYTES_PER_ELEMENT[precision.state]) / tp;
  }
  const p = cost.params;
  stages[0]!.params += p.embedding;
  const last = stages[pp - 1]!;
  last.params += p.lmHead + p.finalNorm;
  // Tied embeddings: the LM head reads the embedding matrix, which the last stage must then hold too.
  if (pp > 1 && p.lmHead === 0) last.params += p.embedding;
  for (const b of cost.sharedBlocks) for (const s of stages) if (s.shared.has(b.id)) s.params += b.params;
  return stages.map((s) => ({ weights: (s.params * wb) / tp, kvByWindow: s.kvByWindow, state: s.state }));
}

function kvAt(s: StageMemory, seqLen: number): number {
  let kv = 0;
  for (const [w, bytes] of s.kvByWindow) kv += bytes * positionsHeld(seqLen, w);
  return kv;
}

/** Memory of the fullest GPU for B sequences at L. */
function memoryAt(stages: readonly StageMemory[], seqLen: number, batch: number): GpuMemory {
  let worst: GpuMemory = { weights: 0, kv: 0, state: 0, total: -1 };
  for (const s of stages) {
    const kv = kvAt(s, seqLen) * batch;
    const state = s.state * batch;
    const total = s.weights + kv + state;
    if (total > worst.total) worst = { weights: s.weights, kv, state, total };
  }
  return worst;
}

/** Most sequences of length L the stages hold (min over stages). */
function concurrencyAt(stages: readonly StageMemory[], seqLen: number, usable: number): number {
  let n = Infinity;
  for (const s of stages) {
    if (s.weights > usable) return 0;
    const perSeq = kvAt(s, seqLen) + s.state;
    if (perSeq > 0) n = Math.min(n, Math.floor((usable - s.weights) / perSeq));
  }
  return n;
}

/** The usable bytes of one GPU: capacity × efficiency.capacity. */
export function usableBytes(hw: HardwareSpec, dep: Deployment): number {
  return hw.memBytes * dep.efficiency.capacity;
}

/** The plan of a design (analysed by `analyzeDesign`, any dtype: only element counts are read) at one length. */
export function planDeployment(cost: DesignCost, hw: HardwareSpec, dep: Deployment, seqLen: number): DeploymentPoint {
  if (!Number.isSafeInteger(seqLen) || seqLen < 1) throw new RangeError(`seqLen must be a positive integer, got ${seqLen}`);
  const prefill = planPhase(cost, 'prefill', seqLen, hw, dep);
  const decode = planPhase(cost, 'decode', seqLen, hw, dep);
  const stages = stageMemory(cost, dep);
  const usable = usableBytes(hw, dep);
  const memoryPerGpu = memoryAt(stages, seqLen, dep.batch);
  const maxConcurrency = concurrencyAt(stages, seqLen, usable);
  return {
    seqLen,
    batch: dep.batch,
    tp: dep.tp,
    pp: dep.pp,
    gpus: dep.tp * dep.pp,
    prefill,
    decode,
    prefillSeconds: prefill.seconds,
    decodeSecondsPerToken: decode.seconds,
    decodeTokensPerSec: 1 / decode.seconds,
    aggregateDecodeTokensPerSec: dep.batch / decode.seconds,
    prefillTokensPerSec: (dep.batch * seqLen) / prefill.seconds,
    bound: decode.bound,
    prefillBound: prefill.bound,
    memoryPerGpu,
    memoryPerGpuBytes: memoryPerGpu.total,
    usableBytesPerGpu: usable,
    fits: memoryPerGpu.total <= usable,
    maxConcurrency,
  };
}

/**
 * The longest context at which the batch fits (min over stages), solved exactly on the piecewise-linear KV cache:
 * Infinity when the cache stops growing (no attention, or windows only) and fits; 0 when not even L = 0 fits.
 */
export function longestContext(cost: DesignCost, hw: HardwareSpec, dep: Deployment): number {
  const usable = usableBytes(hw, dep);
  let best = Infinity;
  for (const s of stageMemory(cost, dep)) {
    const fitsAt = (L: number) => s.weights + dep.batch * (s.state + kvAt(s, L)) <= usable;
    if (!fitsAt(0)) return 0;
    const growth = s.kvByWindow.get(null) ?? 0;
    if (growth === 0) {
      const widest = Math.max(0, ...[...s.kvByWindow.keys()].filter((w): w is number => w !== null));
      if (fitsAt(widest)) continue;
    }
    // KV(L) ≥ growth·L, so past (usable − weights) / (B·growth) nothing fits: search below that.
    let lo = 0;
    let hi = growth > 0 ? Math.floor((usable - s.weights) / (dep.batch * growth)) + 1 : Math.max(1, ...[...s.kvByWindow.keys()].filter((w): w is number => w !== null));
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (fitsAt(mid)) lo = mid;
      else hi = mid;
    }
    best = Math.min(best, lo);
  }
  return best;
}
