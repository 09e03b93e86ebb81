/**
 * The model builder: a runnable tfjs model from a (scaled) design, a seed and a backend.
 *
 * Decoder layer = pre-norm residual, as HF `modeling_jamba.py` (`JambaMambaDecoderLayer`,
 * `JambaAttentionDecoderLayer`): h = x + mixer(input_layernorm(x)); y = h + ffn(pre_ff_layernorm(h)). A `none`
 * mixer or FFN skips that half (and its norm). A `shared` mixer (Zamba) gets the un-normalised hidden state, because
 * the shared block has its own input norm (HF `modeling_zamba.py`). Then final norm and LM head.
 *
 * Weights are plain data made from the seed (one `Rng.fork` per layer, so adding a layer does not change the weights
 * of the layers before it); the same objects feed the tfjs layers, the Float64 reference model and the exporter.
 */
import * as tf from '@tensorflow/tfjs';
import { expandLayers, type Design, type Layer } from '../../models/schema';
import { mixerSpecOf } from '../../kinds/specs';
import { ffnRuntime, mixerRuntime, type FfnWeights, type MixerWeights } from '../../kinds/runtimes';
import type { BuildContext, InitContext } from '../../kinds/runtimeKind';
import { KvCache } from '../../kinds/attention/layer';
import { moeCombineFor, type MoeCombine } from '../../kinds/moe/layer';
import { SharedBlockTensors, initSharedBlockWeights, type SharedBlockWeights } from '../../kinds/shared/layer';
import type { BackendName, KvCapacityPolicy, ScanImpl } from '../protocol';
import { leafCaches, type ForwardContext, type LayerCache, type RuntimeFfn, type RuntimeMixer } from './types';
import { Rng } from './rng';
import { EmbeddingLayer, initEmbeddingWeights, type EmbeddingWeights } from './layers/embedding';
import { NormLayer, initNormWeights, type NormWeights } from './layers/norm';

export type { FfnWeights, MixerWeights } from '../../kinds/runtimes';

export interface LayerWeights {
  /** The design's layer this was made from. */
  layer: Layer;
  /** HF `input_layernorm`, null for `none` mixers and kinds without a pre-norm (a shared-block call). */
  mixerNorm: NormWeights | null;
  mixer: MixerWeights;
  /** HF `pre_ff_layernorm`, null when the FFN is `none`. */
  ffnNorm: NormWeights | null;
  ffn: FfnWeights;
}

export interface ModelWeights {
  design: Design;
  seed: number;
  embedding: EmbeddingWeights;
  sharedBlocks: SharedBlockWeights[];
  layers: LayerWeights[];
  finalNorm: NormWeights;
}

/** Deterministic weights of a design from a seed. */
export function initModelWeights(design: Design, seed: number): ModelWeights {
  const root = new Rng(seed);
  const d = design.dModel;
  const ctx: InitContext = { design, dModel: d };
  const layers = expandLayers(design.layers).map((layer, i): LayerWeights => {
    const r = root.fork(1000 + i);
    const m = layer.mixer;
    const f = layer.ffn;
    const mixer = (m.kind === 'none' ? { kind: 'none' } : { kind: m.kind, weights: mixerRuntime(m.kind).init(m, ctx, r.fork(1)) }) as MixerWeights;
    const ffn = (f.kind === 'none' ? { kind: 'none' } : { kind: f.kind, weights: ffnRuntime(f.kind).init(f, ctx, r.fork(2)) }) as FfnWeights;
    return {
      layer,
      mixerNorm: m.kind === 'none' || !mixerSpecOf(m.kind).preNorm ? null : initNormWeights(design.norm, d, r.fork(3)),
      mixer,
      ffnNorm: layer.ffn.kind === 'none' ? null : initNormWeights(design.norm, d, r.fork(4)),
      ffn,
    };
  });
  return {
    design,
    seed,
    embedding: initEmbeddingWeights(design.vocabSize, d, design.tiedEmbeddings, root.fork(1)),
    sharedBlocks: design.sharedBlocks.map((b, i) => initSharedBlockWeights(b, design, root.fork(500 + i))),
    layers,
    finalNorm: initNormWeights(design.norm, d, root.fork(2)),
  };
}

/**
 * The caches of one run: one entry per layer (null where the mixer keeps none). KV caches start at the requested
 * `capacity` sized by `policy` and grow in power-of-two buckets when a decode step runs past them (see
 * layers/attention.ts); recurrent state never changes size.
 */
export class ModelCaches {
  constructor(
    readonly layers: (LayerCache | null)[],
    /** Positions requested at creation; KV caches may hold more after growing (see `kvCapacity`). */
    readonly capacity: number,
    readonly batch: number,
    readonly policy: KvCapacityPolicy = 'exact',
  ) {}

  /** Every 'kv' and 'state' cache of the run, composite caches (a parallel layer's) opened into their parts. */
  private leaves(): LayerCache[] {
    return this.layers.flatMap(leafCaches);
  }

  /** Positions the largest KV cache holds now (its slots); 0 when no layer keeps a KV cache. */
  kvCapacity(): number {
    return this.leaves().reduce((m, c) => (c instanceof KvCache ? Math.max(m, c.slots) : m), 0);
  }

  /**
   * Bytes of the tensors actually held, split by role (float32: 4 bytes per element), and the bytes of the KV slots
   * filled so far (<= kvCacheBytes). A composite cache counts each of its parts under the part's own role.
   */
  bytes(): { kvCacheBytes: number; kvFilledBytes: number; stateBytes: number } {
    let kv = 0;
    let filled = 0;
    let state = 0;
    for (const c of this.leaves()) {
      const n = c.tensors().reduce((a, t) => a + t.size * 4, 0);
      if (c.role === 'kv') kv += n;
      else state += n;
      if (c instanceof KvCache) filled += c.filledBytes();
    }
    return { kvCacheBytes: kv, kvFilledBytes: filled, stateBytes: state };
  }

  dispose(): void {
    for (const c of this.layers) c?.dispose();
  }
}

interface RuntimeLayer {
  mixerNorm: NormLayer | null;
  mixer: RuntimeMixer | null;
  ffnNorm: NormLayer | null;
  ffn: RuntimeFfn | null;
}

export interface ModelOptions {
  backend: BackendName;
  scan: ScanImpl;
  /** MoE combine strategy; defaults to the backend's (see layers/moe.ts). */
  moeCombine?: MoeCombine;
}

/** A runnable model. Call `dispose()` when done: it frees every weight tensor. */
export class RuntimeModel {
  private readonly embedding: EmbeddingLayer;
  private readonly shared: Map<string, SharedBlockTensors>;
  private readonly layers: RuntimeLayer[];
  private readonly finalNorm: NormLayer;
  readonly moeCombine: MoeCombine;

  constructor(
    readonly weights: ModelWeights,
    readonly options: ModelOptions,
  ) {
    const combine = options.moeCombine ?? moeCombineFor(options.backend);
    this.moeCombine = combine;
    this.embedding = new EmbeddingLayer(weights.embedding);
    this.shared = new Map(weights.sharedBlocks.map((b) => [b.id, new SharedBlockTensors(b, combine)]));
    const ctx: BuildContext = { moeCombine: combine, sharedTensors: this.shared };
    this.layers = weights.layers.map((lw) => ({
      mixerNorm: lw.mixerNorm ? new NormLayer(lw.mixerNorm) : null,
      mixer: lw.mixer.kind === 'none' ? null : mixerRuntime(lw.mixer.kind).build(lw.mixer.weights, ctx),
      ffnNorm: lw.ffnNorm ? new NormLayer(lw.ffnNorm) : null,
      ffn: lw.ffn.kind === 'none' ? null : ffnRuntime(lw.ffn.kind).build(lw.ffn.weights, ctx),
    }));
    this.finalNorm = new NormLayer(weights.finalNorm);
  }

  get vocabSize(): number {
    return this.embedding.vocabSize;
  }

  /**
   * Allocates every layer's cache for `batch` sequences and `capacity` positions. `policy` sizes the KV caches:
   * `exact` (the default; the bench sweep relies on it so measured bytes equal the cost model's) or `pow2` buckets.
   * Either way a decode past the capacity grows the KV caches instead of failing.
   */
  createCaches(batch: number, capacity: number, policy: KvCapacityPolicy = 'exact'): ModelCaches {
    const made: (LayerCache | null)[] = [];
    try {
      for (const l of this.layers) made.push(l.mixer ? l.mixer.createCache(batch, capacity, policy) : null);
    } catch (e) {
      for (const c of made) c?.dispose();
      throw e;
    }
    return new ModelCaches(made, capacity, batch, policy);
  }

  /** The hidden states after the last layer and final norm: (b, l, d). */
  private run(ids: tf.Tensor2D, step: (m: RuntimeMixer, x: tf.Tensor3D, i: number, ctx: ForwardContext) => tf.Tensor3D): tf.Tensor3D {
    const emb = this.embedding.embed(ids);
    const ctx: ForwardContext = { backend: this.options.backend, scan: this.options.scan, embeddings: emb };
    let x: tf.Tensor3D = emb.clone();
    try {
      this.layers.forEach((l, i) => {
        if (l.mixer) {
          const input = l.mixerNorm ? l.mixerNorm.apply(x) : x;
          const y = step(l.mixer, input, i, ctx);
          if (input !== x) input.dispose();
          const next = tf.add(x, y) as tf.Tensor3D;
          y.dispose();
          x.dispose();
          x = next;
        }
        if (l.ffn) {
          const y = tf.tidy(() => l.ffn!.apply(l.ffnNorm!.apply(x)));
          const next = tf.add(x, y) as tf.Tensor3D;
          y.dispose();
          x.dispose();
          x = next;
        }
      });
      const out = this.finalNorm.apply(x);
      return out;
    } finally {
      x.dispose();
      emb.dispose();
    }
  }

  /** Logits of the last position: (b, l, d) hidden -> (b, V). */
  private lastLogits(h: tf.Tensor3D): tf.Tensor2D {
    const [b, l, d] = h.shape;
    return tf.tidy(() => this.embedding.logits(tf.reshape(tf.slice(h, [0, l - 1, 0], [b, 1, d]), [b, d])));
  }

  /**
   * Prefill: ids (b, l) int32 -> logits of the last position (b, V). With `caches`, every layer's cache holds the
   * state after token l-1 (positions 0..l-1).
   */
  prefill(ids: tf.Tensor2D, caches: ModelCaches | null): tf.Tensor2D {
    const h = this.run(ids, (m, x, i, ctx) => m.prefill(x, caches ? caches.layers[i]! : null, ctx));
    const logits = this.lastLogits(h);
    h.dispose();
    return logits;
  }

  /** One decode step: ids (b, 1) int32 at absolute position `pos` -> logits (b, V); updates the caches. */
  decode(ids: tf.Tensor2D, caches: ModelCaches, pos: number): tf.Tensor2D {
    const h = this.run(ids, (m, x, i, ctx) => m.decode(x, caches.layers[i]!, pos, ctx));
    const logits = this.lastLogits(h);
    h.dispose();
    return logits;
  }

  dispose(): void {
    this.embedding.dispose();
    for (const b of this.shared.values()) b.dispose();
    for (const l of this.layers) {
      l.mixerNorm?.dispose();
      l.mixer?.dispose();
      l.ffnNorm?.dispose();
      l.ffn?.dispose();
    }
    this.finalNorm.dispose();
  }
}

/** Builds a runnable model of a design. */
export function buildModel(design: Design, seed: number, options: ModelOptions): RuntimeModel {
  return new RuntimeModel(initModelWeights(design, seed), options);
}
