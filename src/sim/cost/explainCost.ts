/**
 * Human-readable formulas with the values filled in, one per metric, for tooltips and the CLI.
 */
import type { Design } from '../../models/schema';
import { analyzeDesign } from './analyzeDesign';
import { isSparseFfn } from '../../kinds/specs';
import { BYTES_PER_ELEMENT } from './bytesPerElement';
import { costPointAt, positionsHeld } from './costAt';
import { formatBytes, formatCount, formatInt } from './format';
import { maxContextForCost } from './maxContextInBudget';
import type { CostOptions, DesignCost, LayerCost, StateTensorSpec } from './types';

export interface ExplainOptions extends CostOptions {
  /** Memory budget for the max-context explanation; without it that line says a budget is needed. */
  budgetBytes?: number;
}

/** One sentence per metric, each a formula with its values and the result. */
export interface CostExplanation {
  paramsTotal: string;
  paramsActive: string;
  weightBytes: string;
  kvCacheBytes: string;
  stateBytes: string;
  flopsPerToken: string;
  maxContext: string;
}

function plural(n: number, word: string): string {
  return `${formatInt(n)} ${word}${n === 1 ? '' : 's'}`;
}

function dtypeNote(dtype: keyof typeof BYTES_PER_ELEMENT): string {
  return `${BYTES_PER_ELEMENT[dtype]} B (${dtype})`;
}

/** Counts layers per kind, in order of first appearance: "4 attention, 28 mamba". */
function kindCounts(layers: readonly LayerCost[], pick: (l: LayerCost) => string): string {
  const counts = new Map<string, number>();
  for (const l of layers) counts.set(pick(l), (counts.get(pick(l)) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${n} ${k}`).join(', ');
}

function explainParamsTotal(cost: DesignCost, design: Design): string {
  const p = cost.params;
  const layerParams = cost.layers.reduce((a, l) => a + l.params, 0);
  const d = design.dModel;
  const terms = [
    `${cost.layers.length} layers ${formatCount(layerParams)} (mixers: ${kindCounts(cost.layers, (l) => l.mixer)}; FFNs: ${kindCounts(cost.layers, (l) => l.ffn)})`,
  ];
  if (cost.sharedBlocks.length) terms.push(`shared blocks stored once ${formatCount(p.shared)}`);
  terms.push(`embedding ${formatInt(design.vocabSize)} × ${formatInt(d)} = ${formatCount(p.embedding)}`);
  terms.push(design.tiedEmbeddings ? 'LM head 0 (tied to the embedding)' : `LM head ${formatInt(design.vocabSize)} × ${formatInt(d)} = ${formatCount(p.lmHead)}`);
  terms.push(`final norm ${formatInt(p.finalNorm)}`);
  return `Params = ${terms.join(' + ')} = ${formatInt(p.total)} (${formatCount(p.total)})`;
}

function explainParamsActive(cost: DesignCost): string {
  const p = cost.params;
  const layerActive = cost.layers.reduce((a, l) => a + l.activeParams, 0);
  const notes: string[] = [];
  const moe = cost.layers.filter((l) => isSparseFfn(l.ffn)).length;
  if (moe) notes.push(`${plural(moe, 'MoE layer')} touch the router and top-k experts only`);
  for (const b of cost.sharedBlocks) {
    if (b.calls > 1) notes.push(`shared block "${b.id}" (${formatCount(b.activeParams)}) counted once though called ${b.calls} times; executed per token: ${formatCount(p.activeWithRepeats)}`);
  }
  const note = notes.length ? ` (${notes.join('; ')})` : '';
  const repeats = p.activeWithRepeats - p.active;
  const minusRepeats = repeats > 0 ? ` − repeated shared-block calls ${formatCount(repeats)}` : '';
  return `Active per token = layers ${formatCount(layerActive)}${note} + embedding ${formatCount(p.embedding)} + LM head ${formatCount(p.lmHead)} + final norm ${formatInt(p.finalNorm)}${minusRepeats} = ${formatInt(p.active)} (${formatCount(p.active)})`;
}

/**
 * The per-position cache tensors of a layer as k and v of [KVH, hd] each (attention's cache), or null for another
 * shape of cache (MLA's latent and rope key), which is then spelled out tensor by tensor.
 */
function kvPair(tensors: readonly StateTensorSpec[]): { kvHeads: number; headDim: number } | null {
  const [k, v] = tensors;
  if (tensors.length !== 2 || !k || !v || k.shape.length !== 2 || k.shape.join() !== v.shape.join()) return null;
  return { kvHeads: k.shape[0]!, headDim: k.shape[1]! };
}

function explainKv(cost: DesignCost, seqLen: number): string {
  const groups = new Map<string, { layers: number; per: string; window: number | null; shared: boolean }>();
  for (const l of cost.layers) {
    const pos = l.cacheTensors.filter((t) => t.perPosition);
    if (!pos.length) continue;
    const pair = kvPair(pos);
    // "2 × … × 8 KV heads × 128 head dim" for k/v caches; "× (kv_cache 512 + pe_cache 64)" for other caches.
    const per = pair
      ? `${formatInt(pair.kvHeads)} KV heads × ${formatInt(pair.headDim)} head dim`
      : `(${pos.map((t) => `${t.name} ${t.shape.map(formatInt).join(' × ')}`).join(' + ')})`;
    const shared = l.sharedBlockId !== null;
    const key = `${pair ? 'kv' : 'other'}/${per}/${l.kvWindow}/${shared}`;
    const g = groups.get(key) ?? { layers: 0, per: `${pair ? '2 × ' : ''}@ × ${per}`, window: l.kvWindow, shared };
    g.layers++;
    groups.set(key, g);
  }
  const kv = costPointAt(cost, seqLen).kvCacheBytes;
  if (!groups.size) return `KV = 0: no attention layers (state-space layers keep a fixed-size state instead)`;
  const terms = [...groups.values()].map((g) => {
    const what = g.shared ? plural(g.layers, 'shared-block call') : `${g.layers} attn layer${g.layers === 1 ? '' : 's'}`;
    const held = positionsHeld(seqLen, g.window);
    const tokens = g.window !== null && g.window < seqLen ? `min(${formatInt(seqLen)}, window ${formatInt(g.window)}) = ${formatInt(held)} tokens` : `${formatInt(held)} tokens`;
    return `${g.per.replace('@', what)} × ${tokens}`;
  });
  const body = terms.length > 1 ? `(${terms.join(' + ')})` : terms[0];
  return `KV = ${body} × ${dtypeNote(cost.cacheDtype)} × batch ${cost.batch} = ${formatBytes(kv)}`;
}

function explainState(cost: DesignCost): string {
  const groups = new Map<string, { layers: number; mixer: string; parts: string }>();
  for (const l of cost.layers) {
    const state = l.cacheTensors.filter((t) => !t.perPosition);
    if (!state.length) continue;
    const parts = state.map((t) => `${t.name.replace(/_state$/, '')} ${t.shape.map(formatInt).join(' × ')}`).join(' + ');
    const key = `${l.mixer}:${parts}`;
    const g = groups.get(key) ?? { layers: 0, mixer: l.mixer, parts };
    g.layers++;
    groups.set(key, g);
  }
  if (!groups.size) return `State = 0: no recurrent layers`;
  const terms = [...groups.values()].map((g) => `${g.layers} ${g.mixer} layer${g.layers === 1 ? '' : 's'} × (${g.parts})`);
  const body = terms.length > 1 ? `(${terms.join(' + ')})` : terms[0];
  return `State = ${body} × ${dtypeNote(cost.cacheDtype)} × batch ${cost.batch} = ${formatBytes(cost.stateBytes)}, the same at every length`;
}

function explainFlops(cost: DesignCost, seqLen: number): string {
  const point = costPointAt(cost, seqLen);
  const scan = cost.layers.reduce((a, l) => a + l.scanFlopsPerToken, 0);
  const matmul = cost.flopsPerTokenFixed - scan;
  const terms = [`2 × ${formatCount(matmul / 2)} MACs of the active weights (LM head included)`];
  if (scan > 0) terms.push(`scan ${formatCount(scan)} (4 per state element)`);
  const attn = new Map<string, { layers: number; perPos: number; window: number | null; shared: boolean; kv: boolean }>();
  for (const l of cost.layers) {
    if (!l.attnFlopsPerContextToken) continue;
    const shared = l.sharedBlockId !== null;
    const kv = kvPair(l.cacheTensors.filter((t) => t.perPosition)) !== null;
    const key = `${l.attnFlopsPerContextToken}/${l.kvWindow}/${shared}/${kv}`;
    const g = attn.get(key) ?? { layers: 0, perPos: l.attnFlopsPerContextToken, window: l.kvWindow, shared, kv };
    g.layers++;
    attn.set(key, g);
  }
  for (const g of attn.values()) {
    const held = positionsHeld(seqLen, g.window);
    // k/v attention: 4 × H × hd per position; other caches (MLA) state their own count per position.
    const per = g.kv ? `4 × ${formatInt(g.perPos / 4)} (heads × head dim)` : `${formatInt(g.perPos)} per position`;
    terms.push(`attention ${per} × ${formatInt(held)} positions × ${plural(g.layers, g.shared ? 'shared-block call' : 'layer')}`);
  }
  return `FLOPs/token (decode at ${formatInt(seqLen)}) = ${terms.join(' + ')} = ${formatCount(point.flopsPerToken)}; prefill of ${formatInt(seqLen)} tokens averages ${formatCount(point.prefillFlopsPerToken)} per token (elementwise work not counted)`;
}

function explainMaxContext(cost: DesignCost, budgetBytes: number | undefined): string {
  if (budgetBytes === undefined) return 'Max context: set a memory budget to compute the longest context that fits';
  const L = maxContextForCost(cost, budgetBytes);
  const fixed = cost.weightBytes + cost.stateBytes;
  const perToken = cost.kvGroups.reduce((a, g) => a + g.bytesPerToken, 0);
  const windowed = cost.kvGroups.some((g) => g.window !== null);
  if (fixed > budgetBytes) return `Max context = 0: weights ${formatBytes(cost.weightBytes)} + state ${formatBytes(cost.stateBytes)} = ${formatBytes(fixed)} already exceed the budget ${formatBytes(budgetBytes)}`;
  if (L === Infinity) {
    return perToken === 0
      ? `Max context = unbounded: no KV cache; weights + state = ${formatBytes(fixed)} fit in ${formatBytes(budgetBytes)} at every length`
      : `Max context = unbounded: every KV cache is capped by a sliding window and the full caches fit in ${formatBytes(budgetBytes)}`;
  }
  const capNote = windowed ? ' (sliding-window layers stop growing at their window)' : '';
  return `Max context = (budget ${formatBytes(budgetBytes)} − weights ${formatBytes(cost.weightBytes)} − state ${formatBytes(cost.stateBytes)}) / KV ${formatBytes(perToken)} per token${capNote} = ${formatInt(L)} tokens`;
}

/** Explains every metric of `design` at sequence length `seqLen` with the formula and the numbers put in. */
export function explainCost(design: Design, seqLen: number, opts: ExplainOptions = {}): CostExplanation {
  const { budgetBytes, ...costOpts } = opts;
  const cost = analyzeDesign(design, costOpts);
  const point = costPointAt(cost, seqLen);
  return {
    paramsTotal: explainParamsTotal(cost, design),
    paramsActive: explainParamsActive(cost),
    weightBytes: `Weights = ${formatInt(cost.params.total)} params × ${dtypeNote(cost.dtype)} = ${formatBytes(point.weightBytes)}`,
    kvCacheBytes: explainKv(cost, seqLen),
    stateBytes: explainState(cost),
    flopsPerToken: explainFlops(cost, seqLen),
    maxContext: explainMaxContext(cost, budgetBytes),
  };
}
