/**
 * What the Hugging Face family modules (src/models/hf/*.ts) share: building and validating the design an importer
 * made, the canonical Mamba-2 width, and the exporter's checks (one shape per block kind, a field that must hold a
 * value, the first layer that does not fit), each refusal naming the layer and field and the family's rule.
 */
import { canonicalJson, compactLayers } from '../compact';
import { FORMAT, expandLayers, type Design, type Dtype, type Layer } from '../schema';
import { LIMITS } from '../schemaKit';
import { validateDesign, type ParseResult } from '../validate';
import type { FamilyReader } from './reader';

type Json = Record<string, unknown>;

/** A plain JSON block (mixer or FFN) as an importer builds it; the design schema validates it. */
export type Block = Json & { kind: string };
/** A layer as an importer builds it. */
export interface RawLayer {
  mixer: Block;
  ffn: Block;
}

export const NONE: Block = { kind: 'none' };

const TORCH_DTYPES: Readonly<Record<string, Dtype>> = { float32: 'fp32', bfloat16: 'bf16', float16: 'fp16' };
const DTYPE_TO_TORCH: Partial<Record<Dtype, string>> = { fp32: 'float32', bf16: 'bfloat16', fp16: 'float16' };

/** The design dtype of `torch_dtype` (or transformers' newer `dtype`); bf16 when neither is given. */
export function dtypeOf(r: FamilyReader): Dtype {
  const key = r.has('torch_dtype') ? 'torch_dtype' : 'dtype';
  if (!r.has(key)) return 'bf16';
  const t = r.str(key, 'bfloat16');
  if (Object.prototype.hasOwnProperty.call(TORCH_DTYPES, t)) return TORCH_DTYPES[t]!;
  r.issue(key, `unsupported dtype ${JSON.stringify(t)}; supported: ${Object.keys(TORCH_DTYPES).join(', ')}`);
  return 'bf16';
}

/** `torch_dtype` of a design dtype, when torch has one. */
export function torchDtype(d: Dtype): string | undefined {
  return DTYPE_TO_TORCH[d];
}

/** The design name: `_name_or_path` when usable, else "Imported <type> config". */
export function nameOf(r: FamilyReader, type: string): string {
  const n = r.str('_name_or_path', '');
  return n.length > 0 && n.length <= LIMITS.nameLength ? n : `Imported ${type} config`;
}

/**
 * The canonical Mamba-2 width fields: `nHeads` stays null when the heads fill exactly `expand · d` (the width
 * state-spaces derives), so one mixer has one spelling whichever family it came from; otherwise it holds the heads
 * (Megatron-LM `mamba_mixer.py`: heads set -> d_inner = nheads · headdim; Nemotron-Nano-9B-v2 128 × 80 ≠ 2 × 4480).
 */
export function mamba2Width(nHeads: number, headDim: number, expand: number, dModel: number): { expand: number; nHeads: number | null } {
  return nHeads * headDim === expand * dModel ? { expand, nHeads: null } : { expand, nHeads };
}

/** Checks a layer count before anything is allocated. */
export function checkLayerCount(r: FamilyReader, key: string, n: number, extra = 0): boolean {
  if (n + extra > LIMITS.layers) {
    r.issue(key, `${n} layers${extra ? ` (+ ${extra} shared-block calls)` : ''} exceed the limit of ${LIMITS.layers}`);
    return false;
  }
  return true;
}

export interface BuiltDesign {
  type: string;
  r: FamilyReader;
  dModel: number;
  vocabSize: number;
  tiedEmbeddings: boolean;
  maxContext: number;
  layers: RawLayer[];
  sharedBlocks?: Json[];
  /** What the import left out (multipliers, MTP heads), appended to the source line. */
  notes?: string[];
}

/** Validates the design an importer built; the reader's issues come first. */
export function finishImport(b: BuiltDesign): ParseResult<Design> {
  const name = nameOf(b.r, b.type);
  const dtype = dtypeOf(b.r);
  if (b.r.issues.length) return { ok: false, issues: b.r.issues };
  const design = {
    format: FORMAT,
    name,
    source: `Hugging Face config.json (model_type ${b.type})${b.notes?.length ? `; ${b.notes.join('; ')}` : ''}`.slice(0, 500),
    vocabSize: b.vocabSize,
    dModel: b.dModel,
    norm: 'rmsnorm',
    tiedEmbeddings: b.tiedEmbeddings,
    maxContext: b.maxContext,
    dtype,
    sharedBlocks: b.sharedBlocks ?? [],
    // Compact before validating, so a rule broken by every layer of a kind is reported once.
    layers: compactLayers(b.layers as unknown as Layer[]),
  };
  const v = validateDesign(JSON.parse(JSON.stringify(design)));
  if (!v.ok) return { ok: false, issues: v.issues.map((i) => ({ path: i.path, message: `in the design built from this config: ${i.message}` })) };
  return { ok: true, value: { ...v.value, layers: compactLayers(expandLayers(v.value.layers)) } };
}

// ---------------------------------------------------------------------------------------------------------------
// Export

/** A refusal: the design is not expressible in the family (caught by `runExport`). */
export class Refusal extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export function refuse(path: string, message: string): never {
  throw new Refusal(path, message);
}

/** Runs an exporter, turning a refusal into issues. */
export function runExport(f: () => Json): ParseResult<Json> {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, issues: [{ path: e.path, message: e.message }] };
    throw e;
  }
}

/** One mixer or FFN of a design, with where it sits. */
export interface Site<T = Json> {
  layer: number;
  part: 'mixer' | 'ffn';
  value: T & { kind: string };
  path: string;
}

/**
 * The design's explicit layers, with helpers for the checks every exporter makes. `family` names the target in
 * refusal messages ("a nemotron_h config").
 */
export class ExportView {
  readonly layers: Layer[];
  private readonly firsts = new Map<string, Site>();
  constructor(
    readonly design: Design,
    readonly family: string,
  ) {
    this.layers = expandLayers(design.layers);
  }

  /** Every mixer and FFN that is not `none`. */
  sites(): Site[] {
    const out: Site[] = [];
    this.layers.forEach((l, i) => {
      if (l.mixer.kind !== 'none') out.push({ layer: i, part: 'mixer', value: l.mixer as unknown as Json & { kind: string }, path: `layers[${i}].mixer` });
      if (l.ffn.kind !== 'none') out.push({ layer: i, part: 'ffn', value: l.ffn as unknown as Json & { kind: string }, path: `layers[${i}].ffn` });
    });
    return out;
  }

  /**
   * The one shape of a kind (in `part`), or null when the design has none; a layer whose block of that kind differs
   * from the first is refused ("a <family> config has one <kind> shape"). `key` normalises before comparing.
   */
  one<T = Json>(kind: string, part: 'mixer' | 'ffn', key: (v: Json) => unknown = (v) => v): Site<T> | null {
    const memo = `${part}:${kind}`;
    if (this.firsts.has(memo)) return this.firsts.get(memo) as Site<T>;
    let first: Site | null = null;
    for (const s of this.sites()) {
      if (s.part !== part || s.value.kind !== kind) continue;
      if (!first) first = s;
      else if (canonicalJson(key(s.value)) !== canonicalJson(key(first.value))) refuse(s.path, `differs from the ${kind} of layers[${first.layer}]; a ${this.family} config has one ${kind} shape`);
    }
    if (first) this.firsts.set(memo, first);
    return first as Site<T> | null;
  }

  /** Refuses any mixer / FFN kind outside the allowed ones, naming the first layer. */
  onlyKinds(mixers: readonly string[], ffns: readonly string[], what: string): void {
    this.layers.forEach((l, i) => {
      if (l.mixer.kind !== 'none' && !mixers.includes(l.mixer.kind)) refuse(`layers[${i}].mixer.kind`, `"${l.mixer.kind}" is not one of ${what}'s mixers (${mixers.join(', ')})`);
      if (l.ffn.kind !== 'none' && !ffns.includes(l.ffn.kind)) refuse(`layers[${i}].ffn.kind`, ffns.length ? `"${l.ffn.kind}" is not one of ${what}'s FFNs (${ffns.join(', ')})` : `${what} layers have no FFN, this one has "${l.ffn.kind}"`);
    });
  }

  /** Refuses unless `site.value[field]` equals `want` (absent fields read as `absent`). */
  want(site: Site | null, field: string, want: unknown, why: string, absent?: unknown): void {
    if (!site) return;
    const got = site.value[field] === undefined ? absent : site.value[field];
    if (JSON.stringify(got) !== JSON.stringify(want)) refuse(`${site.path}.${field}`, why);
  }

  /** Refuses a design that is not RMSNorm (every family here normalises with RMSNorm). */
  rmsnorm(): void {
    if (this.design.norm !== 'rmsnorm') refuse('norm', `${this.family} models use RMSNorm; this design uses LayerNorm`);
  }
}

/** The field of a block, loosely typed (the families read fields the kinds define, src/kinds/<kind>/spec.ts). */
export function f<T = unknown>(v: Json, field: string): T {
  return v[field] as T;
}
