/**
 * Every block kind's gradients, through the runtime's own layers made trainable, against central differences of the
 * Float64 reference model (src/sim/runtime/reference/): for each entry of the training registry (src/kinds/trainings.ts) (so a kind added with its
 * table entry is tested here at once), each scan that trains, on wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DesignSchema, FORMAT, type Design } from '../../models/schema';
import type { ScanImpl } from '../protocol';
import { RuntimeModel, initModelWeights, type ModelWeights } from '../runtime/builder';
import { registerScanKernels } from '../runtime/kernels/scanKernels';
import { registerTrainingKernels } from '../runtime/kernels/trainingKernels';
import type { Param } from '../runtime/params';
import { referenceHiddenStates } from '../runtime/reference/model';
import { Rng } from '../runtime/rng';
import { useTestBackend } from '../runtime/testBackend';
import { VariableSource } from './train';
import { FFN_TRAININGS, MIXER_TRAININGS } from '../../kinds/trainings';
import type { KindFixture } from '../../kinds/trainingKind';

const D = 8;
const V = 12;
const B = 2;
const L = 6;
const EPS = 2e-4; // the reference is Float64 and the step is taken exactly (hi − lo), so a small step costs no precision

function fixtureDesign(name: string, f: KindFixture, variant: number): Design {
  return DesignSchema.parse({
    format: FORMAT,
    name,
    vocabSize: V,
    dModel: D,
    maxContext: 64,
    norm: variant % 2 ? 'layernorm' : 'rmsnorm',
    tiedEmbeddings: variant % 2 === 0,
    layers: f.layers,
    sharedBlocks: f.sharedBlocks ?? [],
  });
}

/** Scales every weight of the residual branches up a little, so no gradient is tiny by construction. */
function inputs(rng: Rng) {
  const ids = Array.from({ length: B * L }, () => Math.floor(rng.next() * V));
  const extra = Array.from({ length: B * L }, () => Math.floor(rng.next() * V));
  return { ids, extra };
}

/** Σ r ⊙ hidden over the batch, by the Float64 reference. */
function refLoss(w: ModelWeights, ids: number[], extra: number[] | null, r: Float32Array): number {
  let s = 0;
  for (let b = 0; b < B; b++) {
    const h = referenceHiddenStates(w, ids.slice(b * L, (b + 1) * L), extra ? extra.slice(b * L, (b + 1) * L) : null);
    for (let i = 0; i < h.length; i++) s += h[i]! * r[b * L * D + i]!;
  }
  return s;
}

const KINDS = [...Object.entries(MIXER_TRAININGS).map(([k, t]) => ['mixer', k, t] as const), ...Object.entries(FFN_TRAININGS).map(([k, t]) => ['ffn', k, t] as const)];
const SCANS: ScanImpl[] = ['simd', 'js', 'chunked'];

describe.each(['wasm', 'cpu'] as const)('gradients of every block kind on %s', (backend) => {
  let baseline = 0;
  beforeAll(async () => {
    await useTestBackend(backend);
    registerTrainingKernels();
    registerScanKernels();
  });
  afterEach(() => expect(tf.memory().numTensors).toBe(baseline));

  it.each(KINDS.flatMap(([wall, kind, t]) => (t.scan ? SCANS : (['simd'] as ScanImpl[])).map((scan) => [wall, kind, scan] as const)))(
    '%s %s (scan %s): every parameter matches central differences of the reference',
    async (wall, kind, scan) => {
      baseline = tf.memory().numTensors;
      const table = wall === 'mixer' ? MIXER_TRAININGS[kind as keyof typeof MIXER_TRAININGS] : FFN_TRAININGS[kind as keyof typeof FFN_TRAININGS];
      const rng = new Rng(kind.length * 31 + scan.length);
      for (const variant of [0, 1]) {
        const design = fixtureDesign(`${kind} fixture`, table.fixture(D), variant);
        const w = initModelWeights(design, 7 + variant);
        const src = new VariableSource();
        const model = new RuntimeModel(w, { backend, scan, tensors: src });
        const { ids, extra } = inputs(rng);
        const useExtra = variant === 1 ? extra : null;
        const r = rng.normals(B * L * D);
        const params: Param[] = [...src.variables.keys()];
        const grads = tf.tidy(() => {
          const idT = tf.tensor2d(ids, [B, L], 'int32');
          const exT = useExtra ? tf.tensor2d(useExtra, [B, L], 'int32') : null;
          const { grads } = tf.engine().gradients(() => tf.sum(tf.mul(model.hiddenStates(idT, exT), tf.tensor3d(r, [B, L, D]))) as tf.Scalar, params.map((p) => src.variables.get(p)!), undefined, true);
          return grads;
        });
        const data = await Promise.all(grads.map((g) => (g ? g.data() : null)));
        tf.dispose(grads.filter((g): g is tf.Tensor => g !== null));
        model.dispose();
        let checked = 0;
        params.forEach((p, k) => {
          const at = Array.from({ length: 3 }, () => Math.floor(rng.next() * p.data.length));
          const fd = at.map((i) => {
            const v = p.data[i]!;
            p.data[i] = v + EPS;
            const hi = p.data[i]!;
            const up = refLoss(w, ids, useExtra, r);
            p.data[i] = v - EPS;
            const lo = p.data[i]!;
            const down = refLoss(w, ids, useExtra, r);
            p.data[i] = v;
            return (up - down) / (hi - lo);
          });
          const got = at.map((i) => (data[k] ? data[k]![i]! : 0));
          const scale = Math.max(1e-3, ...fd.map(Math.abs), ...got.map(Math.abs));
          const err = Math.max(...fd.map((f, j) => Math.abs(f - got[j]!))) / scale;
          expect(err, `${kind} variant ${variant}: parameter ${k} of shape [${p.shape}] (fd ${fd.map((x) => x.toFixed(5))}, tfjs ${got.map((x) => x.toFixed(5))})`).toBeLessThan(5e-3);
          checked++;
        });
        expect(checked).toBeGreaterThan(3);
      }
    },
  );
});
