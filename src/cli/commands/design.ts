/**
 * `design`: prints a design JSON laid out by the ratio tool's placement rules, so sweeps can be scripted
 * (`design --layers 48 --ratio 1:3 --mixer linear-attention > d.json && cli cost d.json`).
 *
 * Every block comes from its kind's defaults for the width (src/kinds/<kind>/spec.ts), overridden field by field
 * with `--mixer-opts` / `--attention-opts` / `--ffn-opts` (`key=value,...`, values read as JSON scalars); the result
 * is validated like an import, so a bad override names its field.
 */
import { DTYPES, FORMAT, LIMITS, type Design, type Dtype, type Ffn, type Layer, type Mixer } from '../../models/schema';
import { applyRatio, ATTENTION_SIDE_KINDS, RECURRENT_KINDS, type RatioOptions } from '../../models/patterns';
import { validateDesign } from '../../models/validate';
import { ffnSpecOf, isFfnKind, mixerSpecOf, FFN_BLOCK_KINDS, type MixerBlockKind } from '../../kinds/specs';
import { CliError, flagInt, flagString, parseArgs, type Command } from '../common';
import { firstIssueLine, writeJson } from './designIo';

const FLAGS = [
  'layers', 'ratio', 'mixer', 'attention', 'placement', 'offset', 'moe-every', 'moe-offset', 'experts', 'top-k',
  'd-model', 'vocab', 'max-context', 'ffn', 'ffn-width', 'name', 'dtype', 'mixer-opts', 'attention-opts', 'ffn-opts',
  'out',
] as const;

export const DESIGN_USAGE = `design [--layers 32] [--ratio 1:7] [--mixer ${RECURRENT_KINDS.join('|')}] [--attention ${ATTENTION_SIDE_KINDS.join('|')}]
       [--placement period|even|every-k] [--offset K] [--moe-every E --moe-offset O --experts N --top-k K]
       [--d-model 4096] [--vocab 65536] [--max-context 262144] [--ffn mlp|none] [--ffn-width F] [--dtype bf16]
       [--mixer-opts key=value,...] [--attention-opts key=value,...] [--ffn-opts key=value,...] [--name S] [--out file]
  --ratio a:m      a attention-side layers per m recurrent ones (1:0 pure attention, 0:1 pure recurrent)
  --placement      period (+ --offset, default floor((a+m)/2): Jamba), even (Megatron-LM's allocation), every-k (the seed's rule)
  --moe-every E    MoE on layers i with i % E == --moe-offset (default 1), --experts (default 8), --top-k (default 2)
  --*-opts         override fields of the kind's defaults, e.g. --mixer-opts dState=64,headDim=32`;

/** `key=value,key=value` -> an object; values are JSON scalars (numbers, true/false, null) or bare strings. */
export function parseOpts(flag: string, text: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (text === undefined) return out;
  for (const part of text.split(',')) {
    const eq = part.indexOf('=');
    const key = part.slice(0, eq).trim();
    if (eq <= 0 || !/^[A-Za-z][A-Za-z0-9]*$/.test(key)) throw new CliError(`--${flag} must be key=value pairs separated by commas, got "${part}"`);
    if (key === 'kind') throw new CliError(`--${flag} cannot set "kind"; choose the kind with its own flag`);
    const raw = part.slice(eq + 1).trim();
    let value: unknown = raw;
    if (/^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)$/.test(raw)) value = JSON.parse(raw) as unknown;
    out[key] = value;
  }
  return out;
}

function oneOf<T extends string>(flag: string, v: string | undefined, allowed: readonly T[], def: T): T {
  if (v === undefined) return def;
  if (!(allowed as readonly string[]).includes(v)) throw new CliError(`--${flag} must be one of ${allowed.join(', ')}, got "${v}"`);
  return v as T;
}

function parseRatio(v: string | undefined): { attn: number; other: number } {
  if (v === undefined) return { attn: 1, other: 7 };
  const m = /^(\d+):(\d+)$/.exec(v);
  if (!m) throw new CliError(`--ratio must be a:m with whole numbers (e.g. 1:7), got "${v}"`);
  const attn = Number(m[1]);
  const other = Number(m[2]);
  if (attn + other === 0) throw new CliError('--ratio a:m needs a + m >= 1');
  if (attn > LIMITS.layers || other > LIMITS.layers) throw new CliError(`--ratio parts must be at most ${LIMITS.layers}`);
  return { attn, other };
}

/** The design the flags describe; throws CliError naming the flag (or, after validation, the field). */
export function designFromArgs(args: string[]): Design {
  const p = parseArgs(args, FLAGS);
  if (p.positional.length) throw new CliError(`unexpected argument "${p.positional[0]}"; usage: ${DESIGN_USAGE.split('\n')[0]}`);
  const dModel = flagInt(p, 'd-model', 4096, 1, LIMITS.dModel);
  const nLayers = flagInt(p, 'layers', 32, 1, LIMITS.layers);
  const vocabSize = flagInt(p, 'vocab', 65536, 1, LIMITS.vocabSize);
  const maxContext = flagInt(p, 'max-context', 262144, 1, LIMITS.maxContext);
  const dtype = oneOf<Dtype>('dtype', flagString(p, 'dtype'), DTYPES, 'bf16');
  const { attn, other } = parseRatio(flagString(p, 'ratio'));
  const otherKind = oneOf<MixerBlockKind>('mixer', flagString(p, 'mixer'), RECURRENT_KINDS, RECURRENT_KINDS[0]!);
  const attnKind = oneOf<MixerBlockKind>('attention', flagString(p, 'attention'), ATTENTION_SIDE_KINDS, ATTENTION_SIDE_KINDS[0]!);
  const placement = oneOf<RatioOptions['placement']>('placement', flagString(p, 'placement'), ['period', 'even', 'every-k'], 'period');
  const ffnKind = flagString(p, 'ffn') ?? 'mlp';
  if (ffnKind !== 'none' && !isFfnKind(ffnKind)) throw new CliError(`--ffn must be one of ${[...FFN_BLOCK_KINDS, 'none'].join(', ')}, got "${ffnKind}"`);
  const ffnWidth = p.flags.has('ffn-width') ? flagInt(p, 'ffn-width', 0, 1, LIMITS.ffnWidth) : undefined;
  const hints = ffnWidth === undefined ? {} : { ffnWidth };

  const mixerOf = (kind: MixerBlockKind, flag: string): Mixer => ({ ...(mixerSpecOf(kind).defaults(dModel, hints) as object), ...parseOpts(flag, flagString(p, flag)), kind }) as Mixer;
  const ffn: Ffn = ffnKind === 'none' ? { kind: 'none' } : ({ ...(ffnSpecOf(ffnKind).defaults(dModel, hints) as object), ...parseOpts('ffn-opts', flagString(p, 'ffn-opts')), kind: ffnKind } as Ffn);
  const attnMixer = mixerOf(attnKind, 'attention-opts');
  const otherMixer = mixerOf(otherKind, 'mixer-opts');
  // A seed design whose layers hold the chosen blocks: applyRatio takes each kind's block from the design's first
  // layer of that kind and keeps the FFN by index, exactly as the editor's ratio tool does.
  const seed: Layer[] = [{ mixer: attnMixer, ffn }, { mixer: otherMixer, ffn }];
  const name = flagString(p, 'name') ?? `${attn}:${other} ${mixerSpecOf(attnKind).style.label} : ${mixerSpecOf(otherKind).style.label} (${nLayers} layers, d ${dModel})`;
  const base = { format: FORMAT, name, vocabSize, dModel, norm: 'rmsnorm', tiedEmbeddings: false, maxContext, dtype, sharedBlocks: [], layers: seed } as Design;

  const opts: RatioOptions = { attn, other, nLayers, placement, otherMixer: otherKind, attnMixer: attnKind, moe: null };
  if (p.flags.has('offset')) opts.offset = flagInt(p, 'offset', 0, 0, LIMITS.layers);
  if (p.flags.has('moe-every')) {
    const every = flagInt(p, 'moe-every', 1, 1, LIMITS.layers);
    opts.moe = {
      every,
      offset: flagInt(p, 'moe-offset', every > 1 ? 1 : 0, 0, every - 1),
      nExperts: flagInt(p, 'experts', 8, 1, LIMITS.experts),
      topK: flagInt(p, 'top-k', 2, 1, LIMITS.experts),
    };
  } else {
    for (const f of ['moe-offset', 'experts', 'top-k']) if (p.flags.has(f)) throw new CliError(`--${f} needs --moe-every`);
  }
  let laid: Design;
  try {
    laid = applyRatio(base, opts);
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(e.message);
    throw e;
  }
  const r = validateDesign(laid);
  if (!r.ok) throw new CliError(`the design is invalid: ${firstIssueLine(r.issues)}`);
  return r.value;
}

export const designCommand: Command = {
  summary: 'print a design JSON from a ratio, placement, mixer kinds and MoE placement (for scripted sweeps)',
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      process.stdout.write(`usage: ${DESIGN_USAGE}\n`);
      return 0;
    }
    const p = parseArgs(args, FLAGS);
    writeJson(designFromArgs(args), flagString(p, 'out'));
    return 0;
  },
};
