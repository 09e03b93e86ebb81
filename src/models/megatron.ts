/**
 * Megatron-LM hybrid model export and import: a design as the `--hybrid-layer-pattern` string plus the model
 * arguments ready to paste after `pretrain_hybrid.py`, with an optional `|` split into pipeline stages balanced by
 * parameter count; and a pattern (with the same arguments) back into a design.
 *
 * Glossary (Megatron-LM `megatron/core/models/hybrid/hybrid_layer_allocation.py`, research notes hybrids-2026.md §1):
 * every symbol is one Megatron layer with its own pre-norm and residual: `M` Mamba-2, `*` self-attention, `-` MLP,
 * `E` MoE, `G` Gated DeltaNet, `+` MLA; `|` a pipeline-stage boundary (main pattern only); `/` separates multi-token
 * prediction patterns (not part of the model: dropped on import). A design layer with a mixer and an FFN is two
 * symbols (Jamba's attention + MoE layer is `*E`); a layer with one of them is one symbol.
 *
 * Megatron has one configuration per symbol (one `--num-attention-heads`, one `--ffn-hidden-size`, ...), so every
 * layer of a symbol must have the same shape; the activation (`--swiglu`, `--squared-relu`, else GELU), the biases
 * (`--disable-bias-linear`) and the normalisation are global. The Mamba-2 mixer has no Megatron argument for its
 * conv width (4), conv bias (on), in/out projection bias (off), gated norm (on) or chunk size: a design that differs
 * is refused with the reason; the import sets chunk size `chunkSize` (default 128, as Megatron's mixer).
 */
import { analyzeDesign } from '../sim/cost/analyzeDesign';
import { canonicalJson, compactLayers } from './compact';
import { patternFromRatios } from './patterns';
import { expandLayers, FORMAT, LIMITS, type Design, type Ffn, type Layer, type Mixer } from './schema';
import { validateDesign, type ParseResult, type ValidationIssue } from './validate';
import type { AttentionMixer } from '../kinds/attention/spec';
import type { MlaMixer } from '../kinds/mla/spec';
import type { LinearAttentionMixer } from '../kinds/linear-attention/spec';
import { mamba2Heads, mamba2Inner, type Mamba2Mixer } from '../kinds/mamba2/spec';
import type { MlpFfn } from '../kinds/mlp/spec';
import { sharedExpertWidth, type MoeFfn } from '../kinds/moe/spec';

/** The Megatron layer symbols the exporter writes and the importer reads. */
export const MEGATRON_SYMBOLS = {
  M: 'Mamba-2',
  '*': 'attention',
  G: 'Gated DeltaNet',
  '+': 'MLA',
  '-': 'MLP',
  E: 'MoE',
} as const;
export type MegatronSymbol = keyof typeof MEGATRON_SYMBOLS;

export { patternFromRatios, pyRound } from './patterns';

/** Symbols Megatron knows that the explorer cannot build (DeepSeek sparse attention and the newer variants). */
const UNSUPPORTED_SYMBOLS: Readonly<Record<string, string>> = {
  D: 'DeepSeek sparse attention',
};

/** How design layers map to symbols: one symbol per layer, or a mixer and the FFN after it as one layer. */
export type MegatronLayout = 'per-symbol' | 'paired';

/** One pipeline stage of an export. */
export interface MegatronStage {
  symbols: string;
  /** Parameters of its layers (the first stage holds the embedding, the last the final norm and LM head). */
  params: number;
}

/** A design as Megatron-LM arguments. */
export interface MegatronExport {
  /** The `--hybrid-layer-pattern` value (with `|` between stages when pp > 1). */
  pattern: string;
  /** The pattern without stage boundaries. */
  symbols: string;
  /** The model arguments, in order, as they are passed (flag, then its value when it takes one). */
  args: string[];
  /** How the design's layers became symbols; import with the same layout to get the same layers back. */
  layout: MegatronLayout;
  stages: MegatronStage[];
  /** Paste-ready text: comment lines, then one argument per line with shell continuations. */
  text: string;
}

export interface MegatronExportOptions {
  /** Pipeline stages (`|` segments and --pipeline-model-parallel-size); default 1. */
  pp?: number;
}

type Result<T> = ParseResult<T>;
const fail = <T>(path: string, message: string): Result<T> => ({ ok: false, issues: [{ path, message }] });

/**
 * Contiguous split of `weights` into `stages` non-empty parts minimising the heaviest part (the classic linear
 * partition, solved exactly by binary search over the bound with a greedy check). Returns the start index of each
 * stage. Ties keep earlier stages as full as the bound allows.
 */
export function balancedSplit(weights: readonly number[], stages: number): number[] {
  const n = weights.length;
  if (!Number.isInteger(stages) || stages < 1) throw new RangeError(`stages must be a positive integer, got ${stages}`);
  if (stages > n) throw new RangeError(`cannot split ${n} layers into ${stages} non-empty stages`);
  const fits = (bound: number): number[] | null => {
    const starts = [0];
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const w = weights[i]!;
      if (w > bound) return null;
      const left = n - i;
      const stagesLeft = stages - starts.length;
      // Cut before i when i would overflow the bound, or when every remaining layer must open its own stage.
      if (i > starts[starts.length - 1]! && (sum + w > bound || left === stagesLeft)) {
        if (starts.length === stages) return null;
        starts.push(i);
        sum = 0;
      }
      sum += w;
    }
    return starts.length === stages ? starts : null;
  };
  let lo = Math.max(0, ...weights);
  let hi = weights.reduce((a, b) => a + b, 0);
  // The greedy check fills stages as late as it must; fewer stages than asked means the bound is loose enough for
  // `stages` too only when it can open more, which the `left === stagesLeft` rule forces.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid + 1;
  }
  const starts = fits(lo);
  if (!starts) throw new Error('balancedSplit: no split at the optimal bound');
  return starts;
}

/** The symbol of a mixer (null for `none`), or the reason it has none. */
function mixerSymbol(m: Mixer): MegatronSymbol | null | { reason: string } {
  switch (m.kind) {
    case 'none':
      return null;
    case 'mamba2':
      return 'M';
    case 'attention':
      return '*';
    case 'mla':
      return '+';
    case 'linear-attention':
      // Megatron-LM's G is Gated DeltaNet only: the delta rule with a per-head decay, the full output gate and norm.
      if (m.update !== 'delta' || m.decay !== 'head' || m.outputGate !== 'full' || !m.outputNorm || m.convSize < 1) {
        return { reason: 'Megatron-LM has a symbol (G) for Gated DeltaNet only (update delta, decay head, full output gate and norm, a short conv); this linear attention is another variant' };
      }
      return 'G';
    case 'mamba':
      return { reason: 'Megatron-LM hybrid models have no Mamba-1 layer (only Mamba-2, `M`)' };
    case 'shared':
      return { reason: "Megatron-LM hybrid models have no shared (Zamba) block; every layer owns its weights" };
    default:
      return { reason: `"${m.kind}" has no Megatron-LM hybrid layer symbol (M Mamba-2, * attention, G Gated DeltaNet, + MLA, - MLP, E MoE)` };
  }
}

function ffnSymbol(f: Ffn): MegatronSymbol | null | { reason: string } {
  switch (f.kind) {
    case 'none':
      return null;
    case 'mlp':
      return '-';
    case 'moe':
      return 'E';
    default:
      return { reason: `"${(f as { kind: string }).kind}" has no Megatron-LM hybrid layer symbol` };
  }
}

/** What must agree between all layers of one symbol (Megatron has one set of arguments per symbol). */
function shapeKey(part: Mixer | Ffn, dModel: number): string {
  if (part.kind === 'mamba2') {
    const m = part;
    // nHeads null and nHeads = expand·d / P describe the same mixer.
    return canonicalJson({ ...m, nHeads: mamba2Heads(m, dModel), expand: null });
  }
  return canonicalJson(part);
}

interface SymbolSite {
  symbol: MegatronSymbol;
  layer: number;
  part: 'mixer' | 'ffn';
}

/** One `--flag value` pair, or a bare flag. */
type Arg = [string] | [string, string];

function fmtNum(x: number): string {
  return Number.isInteger(x) ? String(x) : String(x);
}

/**
 * The Megatron-LM arguments of a design (see the module comment for what is and is not expressible). The first issue
 * names the layer and field that cannot be written, and why.
 */
export function exportMegatron(design: Design, opts: MegatronExportOptions = {}): Result<MegatronExport> {
  const layers = expandLayers(design.layers);
  const d = design.dModel;
  const sites: SymbolSite[] = [];
  let paired = false;
  for (let i = 0; i < layers.length; i++) {
    const l = layers[i]!;
    const ms = mixerSymbol(l.mixer);
    if (ms !== null && typeof ms === 'object') return fail(`layers[${i}].mixer.kind`, ms.reason);
    const fs = ffnSymbol(l.ffn);
    if (fs !== null && typeof fs === 'object') return fail(`layers[${i}].ffn.kind`, fs.reason);
    if (ms === null && fs === null) return fail(`layers[${i}]`, 'an empty layer (mixer and FFN both none) has no Megatron-LM symbol');
    if (ms) sites.push({ symbol: ms, layer: i, part: 'mixer' });
    if (fs) sites.push({ symbol: fs, layer: i, part: 'ffn' });
    if (ms && fs) paired = true;
  }
  // One shape per symbol.
  const first = new Map<MegatronSymbol, SymbolSite>();
  for (const s of sites) {
    const seen = first.get(s.symbol);
    if (!seen) {
      first.set(s.symbol, s);
      continue;
    }
    const a = layers[seen.layer]![seen.part];
    const b = layers[s.layer]![s.part];
    if (shapeKey(a, d) !== shapeKey(b, d)) {
      return fail(`layers[${s.layer}].${s.part}`, `differs from the ${MEGATRON_SYMBOLS[s.symbol]} of layers[${seen.layer}]; Megatron-LM has one set of arguments per layer symbol (${s.symbol})`);
    }
  }
  const at = (sym: MegatronSymbol) => {
    const s = first.get(sym);
    return s ? { part: layers[s.layer]![s.part], path: `layers[${s.layer}].${s.part}` } : null;
  };
  const args: Arg[] = [];
  const attn = at('*');
  const mamba = at('M');
  const mlp = at('-');
  const moe = at('E');

  // Activation, biases: global in Megatron-LM.
  const activations = new Map<string, string>();
  for (const f of [mlp, moe]) if (f) activations.set((f.part as MlpFfn | MoeFfn).activation, f.path);
  if (activations.size > 1) return fail(`${moe!.path}.activation`, `the MLP and the MoE experts use different activations (${[...activations.keys()].join(', ')}); Megatron-LM sets one for the model (--swiglu, --squared-relu, else GELU)`);
  const activation = [...activations.keys()][0];
  if (activation !== undefined && activation !== 'swiglu' && activation !== 'gelu' && activation !== 'relu2') {
    return fail(`${(mlp ?? moe)!.path}.activation`, `activation "${activation}" has no Megatron-LM flag (--swiglu, --squared-relu, or GELU by default)`);
  }
  if (mlp && (mlp.part as MlpFfn).bias) return fail(`${mlp.path}.bias`, 'Megatron-LM hybrid exports are written with --disable-bias-linear; MLP biases are not expressible here');
  if (attn && (attn.part as AttentionMixer).bias) return fail(`${attn.path}.bias`, 'Megatron-LM hybrid exports are written with --disable-bias-linear; attention biases are not expressible here');

  const nLayers = sites.length;
  args.push(['--num-layers', String(nLayers)], ['--hidden-size', String(d)]);
  const mla = at('+');
  // hybrid_layer_allocation.py `_validate_pattern`: standard attention and MLA cannot share a model.
  if (attn && mla) return fail(`${mla.path}.kind`, `Megatron-LM does not allow attention (*, layers[${first.get('*')!.layer}]) and MLA (+) in one model`);
  if (attn) {
    const a = attn.part as AttentionMixer;
    if (a.slidingWindow !== null) return fail(`${attn.path}.slidingWindow`, 'sliding-window attention is not expressible as a Megatron-LM hybrid layer');
    args.push(['--num-attention-heads', String(a.nHeads)]);
    if (a.nKvHeads !== a.nHeads) args.push(['--group-query-attention'], ['--num-query-groups', String(a.nKvHeads)]);
    if (a.headDim * a.nHeads !== d) args.push(['--kv-channels', String(a.headDim)]);
    if (a.positional === 'none') args.push(['--position-embedding-type', 'none']);
    else {
      args.push(['--position-embedding-type', 'rope']);
      if (a.ropeTheta !== undefined) args.push(['--rotary-base', fmtNum(a.ropeTheta)]);
      if (a.ropeFraction !== undefined && a.ropeFraction !== 1) args.push(['--rotary-percent', fmtNum(a.ropeFraction)]);
    }
    if (a.qkNorm) args.push(['--qk-layernorm']);
    if (a.outputGate) args.push(['--attention-output-gate']);
  }
  if (mla) {
    const m = mla.part as MlaMixer;
    // Megatron-LM's MLA rotates the qk_pos_emb dims; Kimi Linear's NoPE MLA has no flag there.
    if (m.positional !== 'rope') return fail(`${mla.path}.positional`, "Megatron-LM's MLA applies RoPE to its position dims; NoPE MLA has no argument");
    args.push(['--multi-latent-attention'], ['--num-attention-heads', String(m.nHeads)], ['--kv-lora-rank', String(m.kvLoraRank)]);
    if (m.qLoraRank !== null) args.push(['--q-lora-rank', String(m.qLoraRank)]);
    args.push(['--qk-head-dim', String(m.qkNopeHeadDim)], ['--qk-pos-emb-head-dim', String(m.qkRopeHeadDim)], ['--v-head-dim', String(m.vHeadDim)], ['--position-embedding-type', 'rope']);
    if (m.ropeTheta !== undefined) args.push(['--rotary-base', fmtNum(m.ropeTheta)]);
  }
  if (mamba) {
    const m = mamba.part as Mamba2Mixer;
    if (m.dConv !== 4) return fail(`${mamba.path}.dConv`, `Megatron-LM's Mamba-2 mixer has a conv width of 4 and no argument to change it, got ${m.dConv}`);
    if (!m.convBias) return fail(`${mamba.path}.convBias`, "Megatron-LM's Mamba-2 conv always has a bias");
    if (m.projBias) return fail(`${mamba.path}.projBias`, "Megatron-LM's Mamba-2 in/out projections have no bias");
    if (!m.gatedNorm) return fail(`${mamba.path}.gatedNorm`, "Megatron-LM's Mamba-2 mixer always has its gated RMSNorm");
    const nh = mamba2Heads(m, d);
    if (!Number.isInteger(nh)) return fail(`${mamba.path}.headDim`, `headDim ${m.headDim} does not divide the Mamba width ${mamba2Inner(m, d)}`);
    args.push(['--mamba-state-dim', String(m.dState)], ['--mamba-head-dim', String(m.headDim)], ['--mamba-num-groups', String(m.nGroups)], ['--mamba-num-heads', String(nh)]);
  }
  const gdn = at('G');
  if (gdn) {
    const g = gdn.part as LinearAttentionMixer;
    args.push(
      ['--linear-num-key-heads', String(g.nKeyHeads)],
      ['--linear-num-value-heads', String(g.nValueHeads)],
      ['--linear-key-head-dim', String(g.keyHeadDim)],
      ['--linear-value-head-dim', String(g.valueHeadDim)],
      ['--linear-conv-kernel-dim', String(g.convSize)],
    );
  }
  if (mlp) args.push(['--ffn-hidden-size', String((mlp.part as MlpFfn).width)]);
  if (moe) {
    const e = moe.part as MoeFfn;
    // Megatron-LM needs --ffn-hidden-size even in an all-MoE model; the expert width is --moe-ffn-hidden-size.
    if (!mlp) args.push(['--ffn-hidden-size', String(e.expertWidth)]);
    args.push(['--num-experts', String(e.nExperts)], ['--moe-router-topk', String(e.topK)], ['--moe-ffn-hidden-size', String(e.expertWidth)]);
    const shared = sharedExpertWidth(e);
    if (shared > 0) args.push(['--moe-shared-expert-intermediate-size', String(shared)]);
    if (e.sharedExpertGate) args.push(['--moe-shared-expert-gate']);
    if (e.router === 'sigmoid') {
      // Megatron-LM's sigmoid router renormalises the top-k scores whenever k > 1 (topk_softmax_with_capacity).
      if (!e.normTopK && e.topK > 1) return fail(`${moe.path}.normTopK`, "Megatron-LM's sigmoid router always renormalises the top-k scores");
      args.push(['--moe-router-score-function', 'sigmoid']);
    } else if (!e.normTopK) args.push(['--moe-router-pre-softmax']);
    if (e.routerBias) args.push(['--moe-router-enable-expert-bias']);
    if (e.routedScale !== 1) args.push(['--moe-router-topk-scaling-factor', fmtNum(e.routedScale)]);
  }
  if (activation === 'swiglu') args.push(['--swiglu']);
  else if (activation === 'relu2') args.push(['--squared-relu']);
  args.push(['--normalization', design.norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm'], ['--disable-bias-linear']);
  if (!design.tiedEmbeddings) args.push(['--untie-embeddings-and-output-weights']);
  args.push(['--vocab-size', String(design.vocabSize)]);
  if (design.vocabSize % 128 !== 0) args.push(['--make-vocab-size-divisible-by', '1']);
  args.push(['--seq-length', String(design.maxContext)], ['--max-position-embeddings', String(design.maxContext)]);

  // Pipeline stages balanced by parameters: each symbol's layer params (norm included), embedding on the first
  // stage, final norm and LM head on the last (Megatron-LM's pre_process / post_process stages).
  const pp = opts.pp ?? 1;
  if (!Number.isInteger(pp) || pp < 1) return fail('pp', `must be a positive integer, got ${pp}`);
  if (pp > nLayers) return fail('pp', `${pp} pipeline stages need at least ${pp} layers; the design has ${nLayers} Megatron layers`);
  const cost = analyzeDesign(design);
  const weights = sites.map((s) => {
    const lc = cost.layers[s.layer]!;
    const prefix = s.part === 'mixer' ? 'mixer.' : 'ffn.';
    const norm = s.part === 'mixer' ? 'input_layernorm.' : 'pre_ff_layernorm.';
    return lc.tensors.filter((t) => t.name.startsWith(prefix) || t.name.startsWith(norm)).reduce((a, t) => a + t.params, 0);
  });
  const symbols = sites.map((s) => s.symbol).join('');
  const edge = [cost.params.embedding, cost.params.lmHead + cost.params.finalNorm];
  const w = weights.slice();
  w[0]! += edge[0]!;
  w[w.length - 1]! += edge[1]!;
  const starts = balancedSplit(w, pp);
  const stages: MegatronStage[] = starts.map((s, k) => {
    const end = starts[k + 1] ?? sites.length;
    return { symbols: symbols.slice(s, end), params: w.slice(s, end).reduce((a, b) => a + b, 0) };
  });
  const pattern = stages.map((s) => s.symbols).join('|');
  const all: Arg[] = [['--hybrid-layer-pattern', pattern], ...args];
  if (pp > 1) all.push(['--pipeline-model-parallel-size', String(pp)]);
  const layout: MegatronLayout = paired ? 'paired' : 'per-symbol';
  const counts = Object.keys(MEGATRON_SYMBOLS)
    .map((k) => [k, [...symbols].filter((c) => c === k).length] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k} (${MEGATRON_SYMBOLS[k as MegatronSymbol]})`)
    .join(', ');
  const comments = [
    `# ${design.name} as a Megatron-LM hybrid model: paste after pretrain_hybrid.py`,
    `# ${nLayers} Megatron layers: ${counts}; ${cost.params.total.toLocaleString('en-US')} parameters`,
    ...(paired ? [`# each of the design's mixer + FFN layers is two Megatron layers (import with --pair-layers to get them back as one)`] : []),
    ...(mamba && (mamba.part as Mamba2Mixer).chunkSize !== 128 ? [`# mamba chunk size (no Megatron-LM argument; its mixer uses 128): ${(mamba.part as Mamba2Mixer).chunkSize}`] : []),
    ...(pp > 1 ? [`# ${pp} pipeline stages by parameters: ${stages.map((s) => s.params.toLocaleString('en-US')).join(' | ')}`] : []),
  ];
  const lines = [['--spec', 'megatron.core.models.hybrid.hybrid_layer_specs', 'hybrid_stack_spec'], ...all].map((a) => a.map((x) => (x === pattern ? `"${x}"` : x)).join(' '));
  const text = [...comments, ...lines.map((l, i) => (i < lines.length - 1 ? `${l} \\` : l))].join('\n') + '\n';
  return { ok: true, value: { pattern, symbols, args: all.flat(), layout, stages, text } };
}

// ---------------------------------------------------------------------------------------------------------------
// Import

/** Megatron-LM flags the importer reads, and whether each takes a value. Others are training flags and ignored. */
const VALUE_FLAGS = new Set([
  'hybrid-layer-pattern',
  'hybrid-override-pattern',
  'num-layers',
  'hidden-size',
  'num-attention-heads',
  'num-query-groups',
  'kv-channels',
  'position-embedding-type',
  'rotary-base',
  'rotary-percent',
  'mamba-state-dim',
  'mamba-head-dim',
  'mamba-num-groups',
  'mamba-num-heads',
  'ffn-hidden-size',
  'num-experts',
  'moe-router-topk',
  'moe-ffn-hidden-size',
  'moe-shared-expert-intermediate-size',
  'moe-router-score-function',
  'moe-router-topk-scaling-factor',
  'moe-latent-size',
  'normalization',
  'vocab-size',
  'make-vocab-size-divisible-by',
  'seq-length',
  'max-position-embeddings',
  'pipeline-model-parallel-size',
  'spec',
  'hybrid-attention-ratio',
  'hybrid-mlp-ratio',
  'mtp-hybrid-override-pattern',
  'mtp-num-layers',
  'kv-lora-rank',
  'q-lora-rank',
  'qk-head-dim',
  'qk-pos-emb-head-dim',
  'v-head-dim',
  'linear-num-key-heads',
  'linear-num-value-heads',
  'linear-key-head-dim',
  'linear-value-head-dim',
  'linear-conv-kernel-dim',
]);
const BOOL_FLAGS = new Set([
  'group-query-attention',
  'swiglu',
  'squared-relu',
  'disable-bias-linear',
  'untie-embeddings-and-output-weights',
  'no-position-embedding',
  'use-rotary-position-embeddings',
  'add-qkv-bias',
  'add-bias-linear',
  'qk-layernorm',
  'attention-output-gate',
  'apply-layernorm-1p',
  'moe-router-enable-expert-bias',
  'moe-router-pre-softmax',
  'moe-shared-expert-gate',
  'is-hybrid-model',
  'multi-latent-attention',
]);

/** Shell-like words of a command line: quotes, backslash-newline continuations and `#` comment lines. */
export function shellWords(text: string): string[] {
  const words: string[] = [];
  const src = text
    .split('\n')
    .filter((l) => !l.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\r?\n/g, ' ');
  let cur = '';
  let has = false;
  let quote: '"' | "'" | null = null;
  for (const ch of src) {
    if (quote) {
      if (ch === quote) quote = null;
      else cur += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      has = true;
    } else if (/\s/.test(ch)) {
      if (has || cur) words.push(cur);
      cur = '';
      has = false;
    } else cur += ch;
  }
  if (has || cur) words.push(cur);
  return words;
}

export interface MegatronImportOptions {
  /** A mixer symbol followed by an FFN symbol becomes one design layer (as the export of such a design); default false. */
  pairLayers?: boolean;
  name?: string;
  /** Mamba-2 chunk size (no Megatron argument); default the export's `# mamba chunk size ...: N` comment, else 128. */
  chunkSize?: number;
}

/** The chunk size an export recorded in its comment line, if any. */
function commentedChunkSize(text: string): number | undefined {
  const m = /^#\s*mamba chunk size[^:\n]*:\s*(\d{1,5})\s*$/m.exec(text);
  const n = m ? Number(m[1]) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= LIMITS.chunkSize ? n : undefined;
}

/**
 * A design from Megatron-LM arguments (a command line, or just its flags) holding a `--hybrid-layer-pattern`. Never
 * throws; issues name the flag (`--num-attention-heads`) or the pattern position and the rule.
 */
export function importMegatron(text: string, opts: MegatronImportOptions = {}): Result<Design> {
  if (text.length > 200_000) return fail('(text)', `at most 200,000 characters, got ${text.length}`);
  const words = shellWords(text);
  const flags = new Map<string, string | true>();
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('--')) continue;
    const eq = w.indexOf('=');
    const name = (eq > 0 ? w.slice(2, eq) : w.slice(2)).trim();
    if (BOOL_FLAGS.has(name)) flags.set(name, true);
    else if (VALUE_FLAGS.has(name)) {
      const v = eq > 0 ? w.slice(eq + 1) : words[i + 1];
      if (v === undefined || (eq < 0 && /^--[a-z]/.test(v))) return fail(`--${name}`, 'needs a value');
      if (eq < 0) i++;
      // --spec takes two words (module and name); the second is not a flag either way.
      flags.set(name, v);
    }
  }
  const issues: ValidationIssue[] = [];
  const str = (name: string): string | undefined => {
    const v = flags.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const int = (name: string, def: number | undefined, min = 1, max = Number.MAX_SAFE_INTEGER): number | undefined => {
    const v = str(name);
    if (v === undefined) return def;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      issues.push({ path: `--${name}`, message: `expected an integer from ${min} to ${max}, got "${v}"` });
      return def;
    }
    return Number(v);
  };
  const num = (name: string): number | undefined => {
    const v = str(name);
    if (v === undefined) return undefined;
    const x = Number(v);
    if (!Number.isFinite(x) || x <= 0) {
      issues.push({ path: `--${name}`, message: `expected a positive number, got "${v}"` });
      return undefined;
    }
    return x;
  };
  for (const unsupported of ['moe-latent-size', 'add-qkv-bias', 'add-bias-linear', 'apply-layernorm-1p']) {
    if (flags.has(unsupported)) return fail(`--${unsupported}`, 'is not expressible in this build of the explorer (its block kind or option is missing)');
  }
  const router = str('moe-router-score-function') ?? 'softmax';
  if (router !== 'softmax' && router !== 'sigmoid') return fail('--moe-router-score-function', `expected softmax or sigmoid, got "${router}"`);

  let raw = str('hybrid-layer-pattern') ?? str('hybrid-override-pattern');
  const patternFlag = flags.has('hybrid-layer-pattern') ? '--hybrid-layer-pattern' : '--hybrid-override-pattern';
  if (raw === undefined) {
    if (flags.has('hybrid-attention-ratio') || flags.has('hybrid-mlp-ratio')) {
      const n = int('num-layers', undefined);
      const ra = num('hybrid-attention-ratio') ?? 0;
      const rm = num('hybrid-mlp-ratio') ?? 0;
      if (n === undefined) return fail('--num-layers', 'missing; --hybrid-attention-ratio needs the layer count');
      if (ra + rm > 1) return fail('--hybrid-mlp-ratio', `attention ratio ${ra} + MLP ratio ${rm} exceed 1`);
      raw = patternFromRatios(n, ra, rm);
    } else return fail('--hybrid-layer-pattern', 'missing; a Megatron-LM hybrid model is given by its layer pattern');
  }
  // Multi-token prediction parts ("/...") are not part of the model (hybrids-2026.md §0.8): keep the main pattern.
  const main = raw.split('/')[0]!;
  const symbols: string[] = [];
  const groups: number[] = []; // group id per symbol (-1 when not in a [..] group)
  let group = -1;
  let nextGroup = 0;
  for (let i = 0; i < main.length; i++) {
    const c = main[i]!;
    if (c === '|') continue;
    if (c === '[') {
      if (group >= 0) return fail(patternFlag, `nested layer groups at position ${i} are not supported`);
      group = nextGroup++;
      continue;
    }
    if (c === ']') {
      if (group < 0) return fail(patternFlag, `"]" at position ${i} closes no group`);
      group = -1;
      continue;
    }
    if (c in MEGATRON_SYMBOLS) {
      symbols.push(c);
      groups.push(group);
    } else if (c in UNSUPPORTED_SYMBOLS) return fail(patternFlag, `"${c}" at position ${i} (${UNSUPPORTED_SYMBOLS[c]}) is not expressible in the explorer`);
    else return fail(patternFlag, `"${c}" at position ${i} is not a layer symbol; expected M, *, G, +, -, E (and | between stages)`);
  }
  if (group >= 0) return fail(patternFlag, 'a "[" layer group is not closed');
  if (symbols.length === 0) return fail(patternFlag, 'the pattern has no layers');
  if (symbols.length > 2 * LIMITS.layers) return fail(patternFlag, `at most ${2 * LIMITS.layers} symbols, got ${symbols.length}`);
  const nl = int('num-layers', undefined);
  if (nl !== undefined && nl !== symbols.length) return fail('--num-layers', `${nl} does not match the ${symbols.length} layers of ${patternFlag}`);

  const d = int('hidden-size', undefined, 1, LIMITS.dModel);
  if (d === undefined) return issues.length ? { ok: false, issues } : fail('--hidden-size', 'missing');
  const has = (s: string) => symbols.includes(s);
  if (has('*') && has('+')) return fail(patternFlag, 'attention (*) and MLA (+) cannot share a model (hybrid_layer_allocation.py)');
  let attention: AttentionMixer | null = null;
  if (has('*')) {
    const h = int('num-attention-heads', undefined, 1, LIMITS.heads);
    if (h === undefined) return issues.length ? { ok: false, issues } : fail('--num-attention-heads', 'missing; the pattern has attention layers (*)');
    const kv = flags.has('group-query-attention') ? int('num-query-groups', 1, 1, LIMITS.heads)! : h;
    const hd = int('kv-channels', Math.floor(d / h), 1, LIMITS.headDim)!;
    const pe = str('position-embedding-type') ?? (flags.has('no-position-embedding') ? 'none' : flags.has('use-rotary-position-embeddings') ? 'rope' : 'learned_absolute');
    if (pe !== 'none' && pe !== 'rope') return fail('--position-embedding-type', `"${pe}" is not expressible (none or rope)`);
    const theta = num('rotary-base');
    const percent = num('rotary-percent');
    if (percent !== undefined && percent > 1) return fail('--rotary-percent', `must be at most 1, got ${percent}`);
    attention = {
      kind: 'attention',
      nHeads: h,
      nKvHeads: kv,
      headDim: hd,
      positional: pe,
      ...(pe === 'rope' && theta !== undefined ? { ropeTheta: theta } : {}),
      ...(pe === 'rope' && percent !== undefined && percent < 1 ? { ropeFraction: percent } : {}),
      ...(flags.has('qk-layernorm') ? { qkNorm: true } : {}),
      ...(flags.has('attention-output-gate') ? { outputGate: true } : {}),
      slidingWindow: null,
      bias: false,
    };
  }
  let mlaMixer: MlaMixer | null = null;
  if (has('+')) {
    if (!flags.has('multi-latent-attention')) return fail('--multi-latent-attention', 'missing; the pattern has MLA layers (+)');
    const h = int('num-attention-heads', undefined, 1, LIMITS.heads);
    if (h === undefined) return issues.length ? { ok: false, issues } : fail('--num-attention-heads', 'missing; the pattern has MLA layers (+)');
    const kvr = int('kv-lora-rank', undefined, 1, LIMITS.dModel);
    if (kvr === undefined) return issues.length ? { ok: false, issues } : fail('--kv-lora-rank', 'missing; the pattern has MLA layers (+)');
    const theta = num('rotary-base');
    mlaMixer = {
      kind: 'mla',
      nHeads: h,
      kvLoraRank: kvr,
      qLoraRank: int('q-lora-rank', undefined, 1, LIMITS.dModel) ?? null,
      qkNopeHeadDim: int('qk-head-dim', 128, 1, LIMITS.headDim)!,
      qkRopeHeadDim: int('qk-pos-emb-head-dim', 64, 1, LIMITS.headDim)!,
      vHeadDim: int('v-head-dim', 128, 1, LIMITS.headDim)!,
      positional: 'rope',
      ...(theta !== undefined ? { ropeTheta: theta } : {}),
    };
  }
  let gdnMixer: LinearAttentionMixer | null = null;
  if (has('G')) {
    const nk = int('linear-num-key-heads', undefined, 1, LIMITS.heads);
    if (nk === undefined) return issues.length ? { ok: false, issues } : fail('--linear-num-key-heads', 'missing; the pattern has Gated DeltaNet layers (G)');
    const nv = int('linear-num-value-heads', nk, 1, LIMITS.heads)!;
    if (nv % nk !== 0) return fail('--linear-num-value-heads', `${nv} is not a multiple of --linear-num-key-heads ${nk}`);
    gdnMixer = {
      kind: 'linear-attention',
      nKeyHeads: nk,
      nValueHeads: nv,
      keyHeadDim: int('linear-key-head-dim', 128, 1, LIMITS.headDim)!,
      valueHeadDim: int('linear-value-head-dim', 128, 1, LIMITS.headDim)!,
      update: 'delta',
      decay: 'head',
      convSize: int('linear-conv-kernel-dim', 4, 1, LIMITS.dConv)!,
      outputGate: 'full',
      outputNorm: true,
      lowRank: null,
      layout: 'qwen3-next',
    };
  }
  if (flags.has('swiglu') && flags.has('squared-relu')) return fail('--squared-relu', 'contradicts --swiglu; Megatron-LM has one activation');
  const activation = flags.has('swiglu') ? ('swiglu' as const) : flags.has('squared-relu') ? ('relu2' as const) : ('gelu' as const);
  let mamba: Mamba2Mixer | null = null;
  if (has('M')) {
    const headDim = int('mamba-head-dim', 64, 1, LIMITS.headDim)!;
    const nHeads = int('mamba-num-heads', Math.floor((2 * d) / headDim), 1, LIMITS.heads * 16)!;
    mamba = {
      kind: 'mamba2',
      dState: int('mamba-state-dim', 128, 1, LIMITS.dState)!,
      headDim,
      nGroups: int('mamba-num-groups', 8, 1, LIMITS.heads)!,
      dConv: 4,
      expand: 2,
      // The canonical form: heads implied by expand 2 are left implicit (as the Mamba-2-Hybrid preset).
      nHeads: nHeads * headDim === 2 * d ? null : nHeads,
      chunkSize: opts.chunkSize ?? commentedChunkSize(text) ?? 128,
      convBias: true,
      projBias: false,
      gatedNorm: true,
    };
  }
  let mlp: MlpFfn | null = null;
  const ffnWidth = int('ffn-hidden-size', undefined, 1, LIMITS.ffnWidth);
  if (has('-')) {
    if (ffnWidth === undefined) return issues.length ? { ok: false, issues } : fail('--ffn-hidden-size', 'missing; the pattern has MLP layers (-)');
    mlp = { kind: 'mlp', width: ffnWidth, activation, bias: false };
  }
  let moe: MoeFfn | null = null;
  if (has('E')) {
    const nExperts = int('num-experts', undefined, 1, LIMITS.experts);
    if (nExperts === undefined) return issues.length ? { ok: false, issues } : fail('--num-experts', 'missing; the pattern has MoE layers (E)');
    const topK = int('moe-router-topk', 2, 1, LIMITS.experts)!;
    if (topK > nExperts) return fail('--moe-router-topk', `${topK} exceeds --num-experts ${nExperts}`);
    const width = int('moe-ffn-hidden-size', ffnWidth, 1, LIMITS.ffnWidth);
    if (width === undefined) return issues.length ? { ok: false, issues } : fail('--moe-ffn-hidden-size', 'missing (and no --ffn-hidden-size to default to)');
    const shared = int('moe-shared-expert-intermediate-size', undefined, 1, LIMITS.ffnWidth);
    const scale = num('moe-router-topk-scaling-factor');
    moe = {
      kind: 'moe',
      nExperts,
      topK,
      expertWidth: width,
      activation,
      sharedExperts: shared ? 1 : 0,
      sharedExpertWidth: shared ?? null,
      sharedExpertGate: flags.has('moe-shared-expert-gate'),
      router: router as MoeFfn['router'],
      normTopK: router === 'sigmoid' ? true : !flags.has('moe-router-pre-softmax'),
      routedScale: scale ?? 1,
      routerBias: flags.has('moe-router-enable-expert-bias'),
    };
    if (moe.sharedExpertGate && !shared) return fail('--moe-shared-expert-gate', 'gates a shared expert, but --moe-shared-expert-intermediate-size is not given');
  }
  const vocab = int('vocab-size', undefined, 1, LIMITS.vocabSize);
  if (vocab === undefined) return issues.length ? { ok: false, issues } : fail('--vocab-size', 'missing; the explorer needs the vocabulary size');
  const divisible = int('make-vocab-size-divisible-by', 128, 1, LIMITS.vocabSize)!;
  const paddedVocab = Math.ceil(vocab / divisible) * divisible;
  const norm = str('normalization') ?? 'LayerNorm';
  if (norm !== 'RMSNorm' && norm !== 'LayerNorm') return fail('--normalization', `expected RMSNorm or LayerNorm, got "${norm}"`);
  const maxContext = int('seq-length', undefined, 1, LIMITS.maxContext) ?? int('max-position-embeddings', 4096, 1, LIMITS.maxContext)!;
  if (issues.length) return { ok: false, issues };

  const none = { kind: 'none' } as const;
  const isMixer = (c: string) => c === 'M' || c === '*' || c === '+' || c === 'G';
  const mixerOf = (c: string): Mixer => (c === 'M' ? mamba! : c === '+' ? mlaMixer! : c === 'G' ? gdnMixer! : attention!);
  const ffnOf = (c: string): Ffn => (c === '-' ? mlp! : moe!);
  const layers: Layer[] = [];
  for (let i = 0; i < symbols.length; i++) {
    const c = symbols[i]!;
    const next = symbols[i + 1];
    const grouped = groups[i]! >= 0 && groups[i + 1] === groups[i];
    if (isMixer(c) && next !== undefined && !isMixer(next) && (opts.pairLayers || grouped)) {
      layers.push({ mixer: mixerOf(c), ffn: ffnOf(next) });
      i++;
    } else layers.push(isMixer(c) ? { mixer: mixerOf(c), ffn: none } : { mixer: none, ffn: ffnOf(c) });
  }
  if (layers.length > LIMITS.layers) return fail(patternFlag, `makes ${layers.length} layers; at most ${LIMITS.layers} are allowed`);
  const design = {
    format: FORMAT,
    name: opts.name ?? `Megatron-LM hybrid (${symbols.length} layers)`,
    source: `Megatron-LM --hybrid-layer-pattern ${symbols.join('')}`,
    vocabSize: paddedVocab,
    dModel: d,
    norm: norm === 'RMSNorm' ? 'rmsnorm' : 'layernorm',
    tiedEmbeddings: !flags.has('untie-embeddings-and-output-weights'),
    maxContext,
    dtype: 'bf16',
    sharedBlocks: [],
    layers: compactLayers(layers),
  };
  return validateDesign(JSON.parse(JSON.stringify(design)));
}
