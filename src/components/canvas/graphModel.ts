/**
 * The graph view model: which nodes the canvas shows for a design, where, and how a drop point maps to an edit.
 * Pure (no React): the canvas renders what this returns, the SVG/PNG export draws the same layout.
 *
 * Grouping rule (documented for tests): the explicit layer list is cut greedily, left to right, into runs of a
 * block of `period` layers (1..16) repeated `count` >= 2 times, covering at least 3 layers; at each position the
 * run covering the most layers wins (ties: the shorter period). A run is drawn as ONE group node unless expanded,
 * in which case each of its layers is drawn. Every layer outside a collapsed group is drawn as exactly one
 * `layer-node`, so the number of `layer-node`s = layers − layers inside collapsed groups.
 */
import { expandLayers, isPattern, isRepeat, type Design, type Layer } from '../../models/schema';
import { kindStyle } from '../kindColors';
import { ffnSpecOf, mixerSpecOf } from '../../kinds/specs';

export const NODE_WIDTH_PX = 284;
export const LAYER_HEIGHT_PX = 46;
export const GROUP_HEIGHT_PX = 62;
export const IO_HEIGHT_PX = 34;
export const GAP_PX = 18;
export const SHARED_X_PX = NODE_WIDTH_PX + 90;
export const SHARED_WIDTH_PX = 250;
export const SHARED_HEIGHT_PX = 54;
const FRAME_PAD_PX = 10;
const MAX_PERIOD = 16;
const MIN_GROUP_LAYERS = 3;

/** A run of the explicit layer list: one layer (`period` 1, `count` 1) or a repeated block. */
export interface Segment {
  start: number;
  period: number;
  count: number;
  /** Human label, e.g. "Jamba block" or "Mamba · MLP". */
  label: string;
}

/** Stable key of a segment. */
export function segmentKey(s: Segment): string {
  return `${s.start}:${s.period}x${s.count}`;
}

/** The explicit layer range [start, end) of a segment. */
export function segmentRange(s: Segment): { start: number; end: number } {
  return { start: s.start, end: s.start + s.period * s.count };
}

/** True when a segment overlaps one of the expanded ranges. */
export function isExpanded(s: Segment, expanded: readonly { start: number; end: number }[]): boolean {
  const r = segmentRange(s);
  return expanded.some((e) => e.start < r.end && r.start < e.end);
}

/** The letter of a layer's mixer, as in the pattern strip. */
export function mixerLetter(l: Layer): string {
  return l.mixer.kind === 'none' ? '·' : kindStyle(l.mixer.kind).letter;
}

function layerKey(l: Layer): string {
  return JSON.stringify(l);
}

/** Labels the design itself gives to ranges of explicit layers (repeat / pattern labels, layer labels). */
function itemLabels(design: Design): { start: number; end: number; label: string }[] {
  const out: { start: number; end: number; label: string }[] = [];
  let i = 0;
  for (const it of design.layers) {
    const n = isRepeat(it) ? it.repeat * it.layers.length : isPattern(it) ? it.pattern.count : 1;
    const label = isRepeat(it) ? it.label ?? it.layers[0]?.label : isPattern(it) ? it.pattern.label ?? it.pattern.base.label : it.label;
    if (label) out.push({ start: i, end: i + n, label });
    i += n;
  }
  return out;
}

/** Short description of one layer: "Mamba N16 · MoE 16×top-2" (each kind's own `summary`). */
export function describeLayer(l: Layer): string {
  const m = l.mixer;
  const mixer = m.kind === 'none' ? 'no mixer' : mixerSpecOf(m.kind).summary(m);
  const f = l.ffn;
  const ffn = f.kind === 'none' ? '' : ffnSpecOf(f.kind).summary(f);
  return ffn ? `${mixer} · ${ffn}` : mixer;
}

function autoGroupLabel(block: readonly Layer[]): string {
  if (block.length === 1 && block[0]) {
    const l = block[0];
    const mixer = l.mixer.kind === 'none' ? 'FFN' : kindStyle(l.mixer.kind).label;
    return l.ffn.kind === 'none' ? mixer : `${mixer} · ${kindStyle(l.ffn.kind).label}`;
  }
  return `${block.map(mixerLetter).join('')} block`;
}

/** Cuts the explicit layers into single layers and repeated runs (see the module comment for the rule). */
export function segmentLayers(design: Design, layers: readonly Layer[] = expandLayers(design.layers)): Segment[] {
  const ids: number[] = [];
  const seen = new Map<string, number>();
  for (const l of layers) {
    const k = layerKey(l);
    let id = seen.get(k);
    if (id === undefined) {
      id = seen.size;
      seen.set(k, id);
    }
    ids.push(id);
  }
  const n = ids.length;
  const same = (a: number, b: number, p: number) => {
    for (let j = 0; j < p; j++) if (ids[a + j] !== ids[b + j]) return false;
    return true;
  };
  const labels = itemLabels(design);
  const out: Segment[] = [];
  let i = 0;
  while (i < n) {
    let best = { period: 1, count: 1 };
    for (let p = 1; p <= MAX_PERIOD && i + 2 * p <= n; p++) {
      let k = 1;
      while (i + (k + 1) * p <= n && same(i, i + k * p, p)) k++;
      if (k >= 2 && k * p >= MIN_GROUP_LAYERS && k * p > best.period * best.count) best = { period: p, count: k };
    }
    const end = i + best.period * best.count;
    const named = labels.find((r) => r.start <= i && end <= r.end);
    const block = layers.slice(i, i + best.period);
    const label = best.count > 1 ? named?.label ?? autoGroupLabel(block) : block[0]?.label ?? describeLayer(block[0] as Layer);
    out.push({ start: i, period: best.period, count: best.count, label });
    i = end;
  }
  return out;
}

export type ChainItem =
  | { type: 'layer'; index: number; y: number; height: number }
  | { type: 'group'; segment: Segment; y: number; height: number };

export interface IoBox {
  id: 'embedding' | 'final-norm' | 'lm-head';
  title: string;
  detail: string;
  y: number;
}

export interface SharedBox {
  id: string;
  blockId: string;
  title: string;
  detail: string;
  y: number;
  /** Explicit indices of the layers that call it. */
  callSites: number[];
}

export interface FrameBox {
  segment: Segment;
  y: number;
  height: number;
}

/** Everything the canvas and the exporters draw, in flow coordinates (x of the chain is 0). */
export interface GraphLayout {
  layers: Layer[];
  segments: Segment[];
  chain: ChainItem[];
  io: IoBox[];
  shared: SharedBox[];
  frames: FrameBox[];
  /** Chain node id holding each explicit layer (a layer node, or the collapsed group containing it). */
  nodeOfLayer: string[];
  height: number;
}

export function layerNodeId(index: number): string {
  return `layer-${index}`;
}
export function groupNodeId(s: Segment): string {
  return `group-${s.start}`;
}

const fmtInt = (n: number) => n.toLocaleString('en-US').replace(/,/g, '\u2009');

/** Lays the design out top to bottom; `expanded` holds the layer ranges the user opened. */
export function layoutGraph(design: Design, expanded: readonly { start: number; end: number }[]): GraphLayout {
  const layers = expandLayers(design.layers);
  const segments = segmentLayers(design, layers);
  const chain: ChainItem[] = [];
  const frames: FrameBox[] = [];
  const nodeOfLayer: string[] = new Array<string>(layers.length);
  const io: IoBox[] = [];
  let y = 0;
  io.push({ id: 'embedding', title: 'Embedding', detail: `${fmtInt(design.vocabSize)} × ${fmtInt(design.dModel)}`, y });
  y += IO_HEIGHT_PX + GAP_PX;
  for (const s of segments) {
    const n = s.period * s.count;
    if (s.count > 1 && !isExpanded(s, expanded)) {
      chain.push({ type: 'group', segment: s, y, height: GROUP_HEIGHT_PX });
      for (let j = 0; j < n; j++) nodeOfLayer[s.start + j] = groupNodeId(s);
      y += GROUP_HEIGHT_PX + GAP_PX;
      continue;
    }
    const top = y;
    if (s.count > 1) y += 22; // room for the frame's title
    for (let j = 0; j < n; j++) {
      chain.push({ type: 'layer', index: s.start + j, y, height: LAYER_HEIGHT_PX });
      nodeOfLayer[s.start + j] = layerNodeId(s.start + j);
      y += LAYER_HEIGHT_PX + GAP_PX;
    }
    if (s.count > 1) {
      frames.push({ segment: s, y: top - FRAME_PAD_PX, height: y - top + FRAME_PAD_PX - GAP_PX / 2 });
      y += FRAME_PAD_PX;
    }
  }
  io.push({ id: 'final-norm', title: 'Final norm', detail: design.norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm', y });
  y += IO_HEIGHT_PX + GAP_PX;
  io.push({
    id: 'lm-head',
    title: 'LM head',
    detail: `${fmtInt(design.dModel)} × ${fmtInt(design.vocabSize)}${design.tiedEmbeddings ? ' (tied)' : ''}`,
    y,
  });
  y += IO_HEIGHT_PX;
  const shared: SharedBox[] = design.sharedBlocks.map((b) => {
    const callSites = layers.flatMap((l, i) => (l.mixer.kind === 'shared' && l.mixer.blockId === b.id ? [i] : []));
    const ys = callSites.map((i) => chain.find((c) => (c.type === 'layer' ? c.index === i : i >= c.segment.start && i < c.segment.start + c.segment.period * c.segment.count))?.y ?? 0);
    const mid = ys.length ? (Math.min(...ys) + Math.max(...ys)) / 2 : 0;
    const ffn = ffnSpecOf(b.ffn.kind).summary(b.ffn);
    return {
      id: `shared-${b.id}`,
      blockId: b.id,
      title: `Shared block · ${callSites.length} calls`,
      detail: `${b.id}: Attention ${b.attention.nHeads}×${b.attention.headDim} · ${ffn}`,
      y: mid,
      callSites,
    };
  });
  return { layers, segments, chain, io, shared, frames, nodeOfLayer, height: y };
}

/** Where a palette block dropped at flow point (x, y) goes: onto a layer, or between two layers. */
export type DropTarget = { type: 'replace'; index: number } | { type: 'insert'; at: number };

const EDGE_ZONE_PX = 11;

/** Maps a drop point to an edit: the middle of a layer node replaces, its edges and the gaps insert. */
export function dropTargetAt(layout: GraphLayout, _x: number, y: number): DropTarget {
  const n = layout.layers.length;
  for (const c of layout.chain) {
    const top = c.y;
    const bottom = c.y + c.height;
    const first = c.type === 'layer' ? c.index : c.segment.start;
    const after = c.type === 'layer' ? c.index + 1 : c.segment.start + c.segment.period * c.segment.count;
    if (y < top - GAP_PX / 2) return { type: 'insert', at: first };
    if (y <= bottom + GAP_PX / 2) {
      if (c.type === 'layer' && y >= top + EDGE_ZONE_PX && y <= bottom - EDGE_ZONE_PX) return { type: 'replace', index: c.index };
      return { type: 'insert', at: y < (top + bottom) / 2 ? first : after };
    }
  }
  return { type: 'insert', at: n };
}

/** The insertion boundary for a chain node whose centre was dragged to flow y: how many layers sit above it. */
export function reorderTarget(layout: GraphLayout, movingId: string, centreY: number): number {
  let at = 0;
  for (const c of layout.chain) {
    const id = c.type === 'layer' ? layerNodeId(c.index) : groupNodeId(c.segment);
    if (id === movingId) continue;
    if (c.y + c.height / 2 < centreY) at = c.type === 'layer' ? c.index + 1 : c.segment.start + c.segment.period * c.segment.count;
  }
  return at;
}
