import { describe, expect, it } from 'vitest';
import { analyzeDesign } from '../sim/cost/analyzeDesign';
import { balancedSplit, exportMegatron, importMegatron, patternFromRatios, pyRound, shellWords } from './megatron';
import { getPreset, PRESETS } from './presets';
import { expandLayers, FORMAT, type Design, type Layer } from './schema';
import { validateDesign } from './validate';

const layersOf = (d: Design): Layer[] => expandLayers(d.layers);
function ok<T>(r: { ok: true; value: T } | { ok: false; issues: { path: string; message: string }[] }): T {
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

describe('patternFromRatios (Megatron-LM pattern_from_ratios, research notes §1 test vectors)', () => {
  it('(56, 0.08, 0.5) is the Mamba-2-Hybrid-8B HYBRID_LAYER_PATTERN of examples/mamba/train.sh', () => {
    expect(patternFromRatios(56, 0.08, 0.5)).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
  });
  it('(8, 0.125, 0) is MMMM*MMM', () => {
    expect(patternFromRatios(8, 0.125, 0)).toBe('MMMM*MMM');
  });
  it('Nemotron-H is not ratio-generated: (52, 4/52, 24/52) differs from the published 8B pattern', () => {
    expect(patternFromRatios(52, 4 / 52, 24 / 52)).not.toBe('M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-');
  });
  it("counts with Python's round: halves go to the even neighbour", () => {
    expect([0.5, 1.5, 2.5, 3.5, 2.4, 2.6].map(pyRound)).toEqual([0, 2, 2, 4, 2, 3]);
    // 10 × 0.25 = 2.5 → 2 attention layers (Math.round would place 3).
    expect([...patternFromRatios(10, 0.25, 0)].filter((c) => c === '*')).toHaveLength(2);
  });
});

describe('balancedSplit', () => {
  /** Every split of n items into k non-empty contiguous parts, the smallest heaviest part. */
  function bruteBest(w: number[], k: number): number {
    let best = Infinity;
    const rec = (start: number, left: number, worst: number) => {
      if (left === 1) {
        best = Math.min(best, Math.max(worst, w.slice(start).reduce((a, b) => a + b, 0)));
        return;
      }
      for (let end = start + 1; end <= w.length - left + 1; end++) rec(end, left - 1, Math.max(worst, w.slice(start, end).reduce((a, b) => a + b, 0)));
    };
    rec(0, k, 0);
    return best;
  }
  it('matches an exhaustive search on random weights (300 cases)', () => {
    let s = 7;
    const rand = (m: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % m;
    };
    for (let c = 0; c < 300; c++) {
      const n = 1 + rand(10);
      const k = 1 + rand(n);
      const w = Array.from({ length: n }, () => rand(100));
      const starts = balancedSplit(w, k);
      expect(starts).toHaveLength(k);
      expect(starts[0]).toBe(0);
      for (let i = 1; i < k; i++) expect(starts[i]!).toBeGreaterThan(starts[i - 1]!);
      const sums = starts.map((st, i) => w.slice(st, starts[i + 1] ?? n).reduce((a, b) => a + b, 0));
      expect(Math.max(...sums), JSON.stringify({ w, k })).toBe(bruteBest(w, k));
    }
  });
  it('refuses more stages than items', () => {
    expect(() => balancedSplit([1, 2], 3)).toThrow(/3 non-empty stages/);
  });
});

describe('exportMegatron', () => {
  it('Mamba-2-Hybrid 8B prints exactly the pattern of the notes, with its model arguments', () => {
    const r = ok(exportMegatron(getPreset('mamba2-hybrid-8b')!.design));
    expect(r.pattern).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
    expect(r.layout).toBe('per-symbol');
    expect(r.text).toContain('--hybrid-layer-pattern "M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-" \\');
    const a = r.args.join(' ');
    for (const part of ['--hidden-size 4096', '--num-attention-heads 32', '--group-query-attention --num-query-groups 8', '--mamba-state-dim 128', '--mamba-head-dim 64', '--mamba-num-groups 8', '--mamba-num-heads 128', '--ffn-hidden-size 16384', '--normalization RMSNorm', '--disable-bias-linear', '--untie-embeddings-and-output-weights', '--position-embedding-type none']) {
      expect(a).toContain(part);
    }
    expect(a).not.toContain('--swiglu'); // plain GELU MLP (Megatron's default)
  });

  it.each([
    ['nemotron-h-8b', 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-'],
    ['nemotron-h-56b', 'M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M-'],
    ['nemotron-nano-9b-v2', 'M-M-M-MM-M-M-M*-M-M-M*-M-M-M-M*-M-M-M-M*-M-MM-M-M-M-M-M-'],
    ['nemotron-3-nano-30b-a3b', 'MEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEM*EMEMEMEM*EMEMEMEME'],
  ])('%s prints exactly the pattern of the research notes (§3)', (id, pattern) => {
    const r = ok(exportMegatron(getPreset(id)!.design));
    expect(r.pattern).toBe(pattern);
    expect(r.layout).toBe('per-symbol');
  });

  it('Nemotron-H-8B prints the model arguments of the Megatron-LM 8B conf (notes §1 excerpt)', () => {
    const a = ok(exportMegatron(getPreset('nemotron-h-8b')!.design)).args.join(' ');
    for (const part of ['--hidden-size 4096', '--ffn-hidden-size 21504', '--num-attention-heads 32', '--group-query-attention --num-query-groups 8', '--mamba-head-dim 64', '--mamba-num-heads 128', '--mamba-num-groups 8', '--mamba-state-dim 128', '--squared-relu', '--normalization RMSNorm', '--disable-bias-linear', '--untie-embeddings-and-output-weights', '--position-embedding-type none']) {
      expect(a).toContain(part);
    }
    const nano3 = ok(exportMegatron(getPreset('nemotron-3-nano-30b-a3b')!.design)).args.join(' ');
    expect(nano3).toContain('--num-experts 128 --moe-router-topk 6 --moe-ffn-hidden-size 1856 --moe-shared-expert-intermediate-size 3712 --moe-router-score-function sigmoid --moe-router-enable-expert-bias --moe-router-topk-scaling-factor 2.5');
  });

  it('a Jamba-style attention + MoE layer is two symbols, *E (Mixtral: every layer)', () => {
    const r = ok(exportMegatron(getPreset('mixtral-8x7b')!.design));
    expect(r.symbols).toBe('*E'.repeat(32));
    expect(r.layout).toBe('paired');
    expect(r.args.join(' ')).toContain('--num-experts 8 --moe-router-topk 2 --moe-ffn-hidden-size 14336');
    expect(r.args).toContain('--swiglu');
  });

  it('--pp N splits into N stages balanced by parameters; the stages add up to the total', () => {
    const design = getPreset('mamba2-hybrid-8b')!.design;
    const total = analyzeDesign(design).params.total;
    for (const pp of [2, 4, 7]) {
      const r = ok(exportMegatron(design, { pp }));
      expect(r.stages).toHaveLength(pp);
      expect(r.pattern.split('|')).toHaveLength(pp);
      expect(r.pattern.replace(/\|/g, '')).toBe(r.symbols);
      expect(r.stages.reduce((a, s) => a + s.params, 0)).toBe(total);
      expect(r.args).toContain('--pipeline-model-parallel-size');
      // Balanced: no stage heavier than the average plus the heaviest single layer (with the embedding on stage 1).
      const heaviest = Math.max(...r.stages.map((s) => s.params));
      expect(heaviest).toBeLessThan(total / pp + 1.1e9);
    }
  });

  it.each([
    ['jamba-v0.1', 'layers[0].mixer.kind', 'no Mamba-1 layer'],
    ['zamba-7b', 'layers[0].mixer.kind', 'no Mamba-1'],
    ['stripedhyena-7b', 'layers[0].mixer.kind', '"hyena" has no Megatron-LM hybrid layer symbol'],
    ['mistral-7b', 'layers[0].mixer.slidingWindow', 'sliding-window'],
  ])('%s is refused at %s: %s', (id, path, fragment) => {
    const r = exportMegatron(getPreset(id)!.design);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe(path);
      expect(r.issues[0]!.message).toContain(fragment);
    }
  });

  it('refuses layers of one symbol with different shapes, naming both', () => {
    const base = getPreset('mamba2-hybrid-8b')!.design;
    const ls = layersOf(base).map((l, i) => (i === 3 ? { ...l, ffn: { kind: 'mlp' as const, width: 1000, activation: 'gelu' as const, bias: false } } : l));
    const r = exportMegatron({ ...base, layers: ls });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]).toMatchObject({ path: 'layers[3].ffn', message: expect.stringContaining('layers[1]') as unknown });
  });

  it('attention options and MLA: Bamba writes --rotary-percent 0.5; MLA writes its latent ranks; * and + never share a model', () => {
    const bamba = ok(exportMegatron(getPreset('bamba-9b')!.design));
    expect(bamba.args.join(' ')).toContain('--position-embedding-type rope --rotary-base 10000 --rotary-percent 0.5');
    const base = getPreset('nemotron-h-8b')!.design;
    const mla = { kind: 'mla' as const, nHeads: 32, kvLoraRank: 512, qLoraRank: 1536, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128, positional: 'rope' as const };
    const withMla = { ...base, layers: layersOf(base).map((l) => (l.mixer.kind === 'attention' ? { ...l, mixer: mla } : l)) };
    const ex = ok(exportMegatron(withMla));
    expect(ex.symbols).toBe('M-M-M-M+-M-M-M-M-M+-M-M-M-M-M+-M-M-M-M-M+-M-M-M-M-M-');
    expect(ex.args.join(' ')).toContain('--multi-latent-attention --num-attention-heads 32 --kv-lora-rank 512 --q-lora-rank 1536 --qk-head-dim 128 --qk-pos-emb-head-dim 64 --v-head-dim 128');
    expect(layersOf(ok(importMegatron(ex.text)))).toEqual(layersOf(withMla));
    const both = { ...base, layers: layersOf(base).map((l, i) => (i === 7 ? { ...l, mixer: mla } : l)) };
    const r = exportMegatron(both);
    expect(!r.ok && r.issues[0]!.message).toContain('attention (*, layers[18]) and MLA (+) in one model');
  });

  it('Qwen3-Next: Gated DeltaNet is G, gated attention keeps its options, the MoE its gated shared expert', () => {
    const ex = ok(exportMegatron(getPreset('qwen3-next-80b-a3b')!.design));
    expect(ex.symbols).toBe('GEGEGE*E'.repeat(12));
    const a = ex.args.join(' ');
    for (const part of ['--linear-num-key-heads 16 --linear-num-value-heads 32 --linear-key-head-dim 128 --linear-value-head-dim 128 --linear-conv-kernel-dim 4', '--rotary-percent 0.25', '--qk-layernorm', '--attention-output-gate', '--num-experts 512 --moe-router-topk 10 --moe-ffn-hidden-size 512 --moe-shared-expert-intermediate-size 512 --moe-shared-expert-gate', '--kv-channels 256']) {
      expect(a).toContain(part);
    }
  });

  it.each([
    ['kimi-linear-48b-a3b', 'layers[0].mixer.kind', 'Gated DeltaNet only'],
    ['minimax-text-01', 'layers[0].mixer.kind', 'Gated DeltaNet only'],
    ['falcon-h1-7b', 'layers[0].mixer.kind', '"parallel" has no Megatron-LM hybrid layer symbol'],
    ['zamba2-2.7b', 'layers[6].mixer.kind', 'no shared (Zamba) block'],
  ])('%s is refused at %s', (id, path, fragment) => {
    const r = exportMegatron(getPreset(id)!.design);
    expect(!r.ok && r.issues[0]).toMatchObject({ path, message: expect.stringContaining(fragment) as unknown });
  });

  it('refuses pp beyond the layer count and below 1', () => {
    const d = getPreset('mamba2-hybrid-8b')!.design;
    expect(exportMegatron(d, { pp: 57 }).ok).toBe(false);
    expect(exportMegatron(d, { pp: 0 }).ok).toBe(false);
  });
});

describe('importMegatron', () => {
  it('round trips every expressible preset: design -> Megatron arguments -> design (same layers and cost)', () => {
    let expressible = 0;
    for (const p of PRESETS) {
      const ex = exportMegatron(p.design);
      if (!ex.ok) continue;
      expressible++;
      const back = ok(importMegatron(ex.value.text, { pairLayers: ex.value.layout === 'paired', name: p.design.name }));
      expect(layersOf(back), p.id).toEqual(layersOf(p.design));
      expect(back).toMatchObject({ dModel: p.design.dModel, vocabSize: p.design.vocabSize, tiedEmbeddings: p.design.tiedEmbeddings, norm: p.design.norm, maxContext: p.design.maxContext });
      expect(analyzeDesign(back).params.total, p.id).toBe(analyzeDesign(p.design).params.total);
    }
    expect(expressible).toBeGreaterThanOrEqual(3);
  });

  it('per-symbol import of a paired export keeps the cost (two Megatron layers = one mixer + FFN layer)', () => {
    const p = getPreset('llama-2-7b')!.design;
    const ex = ok(exportMegatron(p));
    const back = ok(importMegatron(ex.text));
    expect(layersOf(back)).toHaveLength(64);
    expect(analyzeDesign(back).params.total).toBe(analyzeDesign(p).params.total);
  });

  it('random designs survive export -> import (property, 150 seeds)', () => {
    let s = 99;
    const rand = (m: number) => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return (s >>> 8) % m;
    };
    for (let seed = 0; seed < 150; seed++) {
      const d = 64 * (1 + rand(4));
      const nHeads = [1, 2, 4][rand(3)]!;
      const rope = rand(2) === 1;
      const attn =
        rand(4) === 0
          ? { kind: 'mla' as const, nHeads, kvLoraRank: 16, qLoraRank: rand(2) ? null : 24, qkNopeHeadDim: 16, qkRopeHeadDim: 8, vHeadDim: 16, positional: 'rope' as const }
          : {
              kind: 'attention' as const,
              nHeads,
              nKvHeads: nHeads > 1 && rand(2) ? nHeads / 2 : nHeads,
              headDim: [16, 32][rand(2)]!,
              positional: rope ? ('rope' as const) : ('none' as const),
              ...(rope && rand(2) ? { ropeFraction: 0.5 } : {}),
              ...(rand(2) ? { qkNorm: true } : {}),
              ...(rand(2) ? { outputGate: true } : {}),
              slidingWindow: null,
              bias: false,
            };
      const headDim = [16, 32][rand(2)]!;
      const explicitHeads = rand(2) === 1;
      const mamba = { kind: 'mamba2' as const, dState: [16, 64][rand(2)]!, headDim, nGroups: 1, dConv: 4, expand: 2, nHeads: explicitHeads ? (3 * d) / headDim : null, chunkSize: 128, convBias: true, projBias: false, gatedNorm: true };
      const act = (['swiglu', 'gelu', 'relu2'] as const)[rand(3)]!;
      const mlp = { kind: 'mlp' as const, width: 32 * (1 + rand(8)), activation: act, bias: false };
      const sigmoid = rand(2) === 1;
      const shared = rand(2) === 1;
      const moe = {
        kind: 'moe' as const,
        nExperts: 4,
        topK: 1 + rand(4),
        expertWidth: 32 * (1 + rand(4)),
        activation: act,
        sharedExperts: shared ? 1 : 0,
        sharedExpertWidth: shared ? 16 * (1 + rand(4)) : null,
        sharedExpertGate: shared && rand(2) === 1,
        router: sigmoid ? ('sigmoid' as const) : ('softmax' as const),
        normTopK: sigmoid ? true : rand(2) === 1,
        routedScale: [1, 2.5][rand(2)]!,
        routerBias: rand(2) === 1,
      };
      const gdn = { kind: 'linear-attention' as const, nKeyHeads: 2, nValueHeads: [2, 4][rand(2)]!, keyHeadDim: 16, valueHeadDim: [16, 32][rand(2)]!, update: 'delta' as const, decay: 'head' as const, convSize: [2, 4][rand(2)]!, outputGate: 'full' as const, outputNorm: true, lowRank: null, layout: 'qwen3-next' as const };
      const paired = rand(2) === 1;
      const n = 1 + rand(12);
      const layers: Layer[] = [];
      for (let i = 0; i < n; i++) {
        const mixer = [attn, mamba, gdn][rand(3)]!;
        const ffn = [mlp, moe][rand(2)]!;
        if (paired) layers.push({ mixer, ffn });
        else layers.push(rand(2) ? { mixer, ffn: { kind: 'none' } } : { mixer: { kind: 'none' }, ffn });
      }
      const design = ok(validateDesign({ format: FORMAT, name: `random ${seed}`, vocabSize: 128 * (1 + rand(8)) + rand(2), dModel: d, norm: rand(2) ? 'rmsnorm' : 'layernorm', tiedEmbeddings: rand(2) === 1, maxContext: 4096, dtype: 'bf16', layers }));
      const ex = ok(exportMegatron(design, { pp: 1 + rand(Math.min(4, n)) }));
      const back = ok(importMegatron(ex.text, { pairLayers: ex.layout === 'paired' }));
      // A per-symbol design whose mixer-only layer is followed by an FFN-only layer comes back the same only without pairing.
      expect(layersOf(back), `seed ${seed}`).toEqual(layersOf(design));
      expect(back.vocabSize).toBe(design.vocabSize);
      expect(analyzeDesign(back).params.total).toBe(analyzeDesign(design).params.total);
    }
  });

  it('reads the Nemotron-H 8B command-line excerpt of the notes (NoPE, 128 Mamba heads)', () => {
    const cli = `--hybrid-layer-pattern M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M*-M-M-M-M-M- --hidden-size 4096 --ffn-hidden-size 21504 --num-attention-heads 32 --group-query-attention --num-query-groups 8 --mamba-head-dim 64 --mamba-num-heads 128 --mamba-num-groups 8 --mamba-state-dim 128 --swiglu --normalization RMSNorm --disable-bias-linear --untie-embeddings-and-output-weights --position-embedding-type none --vocab-size 131072`;
    const d = ok(importMegatron(cli));
    const ls = layersOf(d);
    expect(ls).toHaveLength(52);
    expect(ls.flatMap((l, i) => (l.mixer.kind === 'attention' ? [i] : []))).toEqual([7, 18, 29, 40]);
    expect(ls[0]!.mixer).toMatchObject({ kind: 'mamba2', nHeads: null, headDim: 64, nGroups: 8, dState: 128 });
  });

  it('drops multi-token-prediction parts and reads | stage boundaries', () => {
    const d = ok(importMegatron('--hybrid-layer-pattern "M-|M*-/*-/*-" --hidden-size 256 --num-attention-heads 4 --position-embedding-type rope --ffn-hidden-size 512 --vocab-size 1000'));
    expect(layersOf(d).map((l) => `${l.mixer.kind}/${l.ffn.kind}`)).toEqual(['mamba2/none', 'none/mlp', 'mamba2/none', 'attention/none', 'none/mlp']);
    expect(d.vocabSize).toBe(1024); // --make-vocab-size-divisible-by 128 (Megatron's default) pads the vocabulary
  });

  it('a [M-] layer group is one design layer', () => {
    const d = ok(importMegatron('--hybrid-layer-pattern [M-][*-] --hidden-size 256 --num-attention-heads 4 --position-embedding-type rope --ffn-hidden-size 512 --vocab-size 1024'));
    expect(layersOf(d).map((l) => `${l.mixer.kind}/${l.ffn.kind}`)).toEqual(['mamba2/mlp', 'attention/mlp']);
  });

  it('deprecated ratios become the pattern Megatron-LM would allocate', () => {
    const d = ok(importMegatron('--num-layers 56 --hybrid-attention-ratio 0.08 --hybrid-mlp-ratio 0.5 --hidden-size 4096 --num-attention-heads 32 --no-position-embedding --ffn-hidden-size 16384 --vocab-size 256000'));
    expect(ok(exportMegatron(d)).symbols).toBe('M-M-M--M-M*-M-M-M-M--M*-M-M-M-M-M*--M-M-M-M-M*-M--M-M-M-');
  });

  it.each([
    ['--hidden-size 64 --vocab-size 10', '--hybrid-layer-pattern', 'missing'],
    ['--hybrid-layer-pattern M*X --hidden-size 64 --vocab-size 10', '--hybrid-layer-pattern', '"X" at position 2'],
    ['--hybrid-layer-pattern MD --hidden-size 64 --vocab-size 10', '--hybrid-layer-pattern', 'DeepSeek sparse attention'],
    ['--hybrid-layer-pattern M* --hidden-size 64 --vocab-size 10', '--num-attention-heads', 'missing'],
    ['--hybrid-layer-pattern M- --hidden-size 64 --vocab-size 10', '--ffn-hidden-size', 'missing'],
    ['--hybrid-layer-pattern M --hidden-size x64 --vocab-size 10', '--hidden-size', 'expected an integer'],
    ['--hybrid-layer-pattern M --hidden-size 64', '--vocab-size', 'missing'],
    ['--hybrid-layer-pattern MM --num-layers 3 --hidden-size 64 --vocab-size 10', '--num-layers', 'does not match'],
    ['--hybrid-layer-pattern [M-[*]] --hidden-size 64 --vocab-size 10', '--hybrid-layer-pattern', 'nested'],
    ['--hybrid-layer-pattern ME --hidden-size 64 --num-experts 4 --moe-router-topk 5 --ffn-hidden-size 8 --vocab-size 10', '--moe-router-topk', 'exceeds'],
    ['--hybrid-layer-pattern M* --hidden-size 64 --num-attention-heads 4 --position-embedding-type learned_absolute --vocab-size 10', '--position-embedding-type', 'not expressible'],
    ['--hybrid-layer-pattern M --hidden-size 64 --vocab-size 10 --moe-latent-size 16', '--moe-latent-size', 'not expressible'],
  ])('%s -> %s: %s', (text, path, fragment) => {
    const r = importMegatron(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe(path);
      expect(r.issues[0]!.message).toContain(fragment);
      expect(r.issues[0]!.message).not.toContain('\n');
    }
  });
});

describe('shellWords', () => {
  it('reads quotes, continuations and comment lines', () => {
    expect(shellWords('# a comment\n--a "x y" \\\n  --b \'*|\' --c=1')).toEqual(['--a', 'x y', '--b', '*|', '--c=1']);
  });
});
