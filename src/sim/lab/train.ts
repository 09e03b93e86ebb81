/**
 * The lab trainer: a design's lab copy (labProfile.ts) trained on a synthetic recall task (tasks/), with the runtime's
 * own layers made trainable (their weights are tfjs variables: `VariableSource`), in the worker or in Node.
 *
 * One step: a fresh batch from the task's seeded stream; the forward `RuntimeModel.hiddenStates` (the same layers that
 * prefill runs, `ctx.scan` = the training scan); the rows of the scored positions (a gather, whose gradient runs on
 * wasm through our UnsortedSegmentSum kernel); the LM head's logits on the task's class slice of the vocabulary;
 * softmax cross-entropy averaged over the scored positions. tfjs's tape gives the gradient of every variable; AdamW
 * (adamw.ts) updates the parameters' plain data in JS, the kinds' constraints apply, and each variable takes its new
 * value. The whole step runs in one tf.tidy: no tensor survives it but what it returns.
 *
 * Held-out evaluation (a set fixed by the seed) every `evalEvery` steps, at step 0 and at the end; the run stops early
 * once the held-out accuracy reaches `earlyStopAccuracy`. Cancellation is checked between steps.
 *
 * Training scan: the registered `simd` (or `js`) kernels with their reverse-recurrence backward on cpu and wasm; the
 * `chunked` tf-op forms on webgl and webgpu (the WGSL programs have no backward, and `js` / `simd` there would run
 * untracked). A kind without a chunked form trains with its own differentiable fallback (linear attention: the
 * per-token tf ops); `gradientPaths` says which path each kind took. Threads: tfjs's wasm pool as a run would have it
 * (the result records the count); the simd scans run on one thread (no scan pool while training).
 */
import * as tf from '@tensorflow/tfjs';
import { expandLayers, type Design } from '../../models/schema';
import type { BackendName, ScanChoice, ScanImpl, TrainPoint, TrainProgress, TrainRequest, TrainResult, TrainStarted } from '../protocol';
import { initBackend } from '../runtime/backend';
import { now, yieldToEvents } from '../runtime/bench';
import { RuntimeModel, initModelWeights, type ModelWeights } from '../runtime/builder';
import { releaseSimdScanMemory } from '../runtime/kernels/wasm/simdScanKernels';
import { stopSimdScanPool } from '../runtime/kernels/wasm/scanPool';
import { mixerRuntime } from '../../kinds/runtimes';
import { registerScanKernels } from '../runtime/kernels/scanKernels';
import { registerTrainingKernels } from '../runtime/kernels/trainingKernels';
import { HOST_BACKENDS } from '../runtime/kernels/jsKernel';
import type { Param, TensorSource } from '../runtime/params';
import { Rng } from '../runtime/rng';
import { chooseScan } from '../runtime/scan/chooseScan';
import { simdScanAvailable } from '../runtime/scan/scanSimd';
import { AdamW, learningRate, type Schedule } from './adamw';
import { applyLabInit, constrainWeights, decayedParams, gradientPaths } from './trainingSupport';
import { labDesign } from './labProfile';
import { checkTrainRequest, taskParamsOf } from './trainRequest';
import { TASKS, evalSet, trainStream, type TaskBatch, type TaskDef, type TaskParams } from './tasks/tasks';

/** Held-out sequences per evaluation forward. */
const EVAL_BATCH = 64;

/** The layers' weights as trainable variables, one per parameter (asked for again, the same variable). */
export class VariableSource implements TensorSource {
  readonly trainable = true;
  readonly variables = new Map<Param, tf.Variable>();
  tensor(p: Param, shape?: readonly number[]): tf.Tensor {
    const had = this.variables.get(p);
    if (had) return had;
    const v = tf.tidy(() => tf.variable(tf.tensor(p.data, shape ? [...shape] : p.shape, 'float32'), true));
    this.variables.set(p, v);
    return v;
  }
  /** Uploads every parameter's current data into its variable. */
  upload(): void {
    for (const [p, v] of this.variables) {
      const t = tf.tensor(p.data, v.shape, 'float32');
      v.assign(t);
      t.dispose();
    }
  }
}

/** The scan the SSM layers train with on a backend, and why. */
export function trainingScan(backend: BackendName, requested: ScanChoice, statePerChannel: number): { scan: ScanImpl; note: string | null } {
  if (requested === 'wgsl' || (requested === 'auto' && backend === 'webgpu')) {
    return { scan: 'chunked', note: 'the WGSL scan programs have no backward kernels: training uses the chunked tf-op scans (differentiable)' };
  }
  const scan = chooseScan(backend, requested, statePerChannel, simdScanAvailable());
  if ((scan === 'js' || scan === 'simd') && !(HOST_BACKENDS as readonly string[]).includes(backend)) {
    return { scan: 'chunked', note: `the ${scan} scan kernels have gradients on cpu and wasm only: on ${backend} training uses the chunked tf-op scans (differentiable)` };
  }
  return { scan, note: null };
}

function largestStatePerChannel(design: Design): number {
  let n = 0;
  for (const l of expandLayers(design.layers)) if (l.mixer.kind !== 'none') n = Math.max(n, mixerRuntime(l.mixer.kind).statePerChannel(l.mixer));
  return n;
}

/** Tensors of a task batch: ids (b, T), the second ids or null, the scored rows (n) and one-hot labels (n, K). */
function batchTensors(b: TaskBatch, numClasses: number) {
  return {
    ids: tf.tensor2d(b.ids, [b.batch, b.seqLen], 'int32'),
    extra: b.extraIds ? tf.tensor2d(b.extraIds, [b.batch, b.seqLen], 'int32') : null,
    rows: tf.tensor1d(b.positions, 'int32'),
    labels: tf.oneHot(tf.tensor1d(b.labels, 'int32'), numClasses),
  };
}

/** A built trainer: model, variables, optimiser, task streams. `dispose()` frees every tensor it made. */
export class LabTrainer {
  readonly started: TrainStarted;
  readonly task: TaskDef;
  readonly params: TaskParams;
  readonly weights: ModelWeights;
  private readonly model: RuntimeModel;
  private readonly src: VariableSource;
  private readonly vars: tf.Variable[];
  private readonly paramList: Param[];
  private readonly optimizer: AdamW;
  private readonly schedule: Schedule;
  private readonly next: () => TaskBatch;
  private readonly held: TaskBatch[];
  private readonly classes: { offset: number; count: number };
  private stepsDone = 0;

  private constructor(req: TrainRequest, started: Omit<TrainStarted, 'gradientPaths'>) {
    this.task = TASKS[req.task];
    this.params = started.taskParams;
    const weights = (this.weights = initModelWeights(started.labDesign, req.seed));
    applyLabInit(weights, req.lab, new Rng(req.seed).fork(0x1ab));
    this.src = new VariableSource();
    this.model = new RuntimeModel(weights, { backend: started.backend, scan: started.scan, tensors: this.src });
    this.paramList = [...this.src.variables.keys()];
    this.vars = this.paramList.map((p) => this.src.variables.get(p)!);
    const decayed = decayedParams(weights);
    this.optimizer = new AdamW(
      this.paramList.map((p) => ({ data: p.data, decay: decayed.has(p) })),
      { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: req.weightDecay, clipNorm: req.clipNorm },
    );
    this.schedule = { lr: req.lr, steps: req.steps, warmupSteps: Math.min(req.warmupSteps, req.steps), kind: req.schedule, minRatio: 0.1 };
    this.next = trainStream(this.task, this.params, req.batch, req.seed);
    this.held = evalSet(this.task, this.params, req.evalSize, EVAL_BATCH, req.seed);
    this.classes = { offset: this.task.classOffset(this.params), count: this.task.numClasses(this.params) };
    this.started = { ...started, gradientPaths: gradientPaths(weights, started.scan) };
  }

  /**
   * Builds a trainer on the active backend (call `initBackend` first, or pass `backend`). Throws on a bad request.
   */
  static async create(req: TrainRequest): Promise<LabTrainer> {
    checkTrainRequest(req);
    const taskParams = taskParamsOf(req);
    const lab = labDesign(req.design, taskParams.vocabSize, req.lab);
    const info = await initBackend(req.backend);
    registerTrainingKernels();
    registerScanKernels();
    stopSimdScanPool();
    const { scan, note } = trainingScan(info.backend, req.scan, largestStatePerChannel(lab.design));
    return new LabTrainer(req, {
      backend: info.backend,
      backendReason: info.reason,
      threads: info.threads,
      threadsReason: `${info.threadsReason}${info.threads > 1 ? '; the scans on 1 thread' : ''}`,
      scan,
      taskParams,
      profile: lab.profile,
      labDesign: lab.design,
      notes: [...lab.notes, ...(note ? [note] : [])],
    });
  }

  /** Trainable variables (for tests and the benchmark). */
  get variableCount(): number {
    return this.vars.length;
  }

  /** Mean loss (sum over the scored rows / n) and the argmax class of each scored row: call inside a tidy. */
  private lossAndPredictions(t: ReturnType<typeof batchTensors>): { loss: tf.Scalar; predicted: tf.Tensor1D } {
    const h = this.model.hiddenStates(t.ids, t.extra); // (b, T, d)
    const [b, T, d] = h.shape;
    const rows = tf.gather(tf.reshape(h, [b * T, d]), t.rows) as tf.Tensor2D; // (n, d)
    const n = rows.shape[0];
    const logits = tf.slice(this.model.headLogits(rows), [0, this.classes.offset], [n, this.classes.count]); // (n, K)
    const loss = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), t.labels), 1))) as tf.Scalar;
    return { loss, predicted: tf.argMax(logits, 1) as tf.Tensor1D };
  }

  /** One optimiser step on a fresh batch of the task's stream; returns the batch's loss and accuracy. */
  step(): Promise<{ loss: number; accuracy: number }> {
    return this.stepOn(this.next());
  }

  /** One optimiser step on a given batch (the tests overfit one batch with it). */
  async stepOn(batch: TaskBatch): Promise<{ loss: number; accuracy: number }> {
    const out = tf.tidy(() => {
      const t = batchTensors(batch, this.classes.count);
      let predicted: tf.Tensor1D | null = null;
      const { value, grads } = tf.engine().gradients(
        () => {
          const r = this.lossAndPredictions(t);
          predicted = tf.keep(r.predicted);
          return r.loss;
        },
        this.vars,
        undefined,
        true,
      );
      return { loss: value, grads, predicted: predicted! as tf.Tensor1D };
    });
    try {
      const [loss, predicted, ...grads] = await Promise.all([out.loss.data(), out.predicted.data(), ...out.grads.map((g) => (g ? g.data() : Promise.resolve(null)))]);
      this.optimizer.step(grads as (Float32Array | null)[], learningRate(this.schedule, this.stepsDone));
      constrainWeights(this.weights);
      this.src.upload();
      this.stepsDone++;
      let correct = 0;
      for (let i = 0; i < batch.labels.length; i++) if (predicted![i] === batch.labels[i]) correct++;
      return { loss: loss![0]!, accuracy: correct / batch.labels.length };
    } finally {
      tf.dispose([out.loss, out.predicted, ...out.grads.filter((g): g is tf.Tensor => g !== null)]);
    }
  }

  /** Loss and accuracy on the held-out set (or on the batches given). */
  async evaluate(batches: readonly TaskBatch[] = this.held): Promise<{ loss: number; accuracy: number }> {
    let correct = 0;
    let total = 0;
    let lossSum = 0;
    for (const b of batches) {
      const r = tf.tidy(() => this.lossAndPredictions(batchTensors(b, this.classes.count)));
      const [loss, predicted] = await Promise.all([r.loss.data(), r.predicted.data()]);
      tf.dispose([r.loss, r.predicted]);
      for (let i = 0; i < b.labels.length; i++) if (predicted[i] === b.labels[i]) correct++;
      lossSum += loss[0]! * b.labels.length;
      total += b.labels.length;
    }
    return { loss: lossSum / total, accuracy: correct / total };
  }

  /** Optimiser steps taken. */
  get steps(): number {
    return this.stepsDone;
  }

  dispose(): void {
    this.model.dispose();
    if (this.started.scan === 'simd') releaseSimdScanMemory();
  }
}

export interface TrainHooks {
  onStarted?(s: TrainStarted): void;
  onProgress?(p: TrainProgress): void;
  onPoint?(p: TrainPoint): void;
  /** The trained weights (plain data), once training ends and before the tensors are freed (e.g. to export them). */
  onTrained?(w: ModelWeights): void;
  signal?: AbortSignal;
}


/**
 * Trains and evaluates. Resolves with the result (with `cancelled: true` and the curve so far when the signal aborts);
 * rejects on a bad request or a runtime error. Every tensor it made is freed either way.
 */
export async function runTraining(req: TrainRequest, hooks: TrainHooks = {}): Promise<TrainResult> {
  const startedAt = new Date().toISOString();
  const trainer = await LabTrainer.create(req);
  const curve: TrainPoint[] = [];
  let cancelled = false;
  let stoppedEarly = false;
  let stepMs = 0;
  try {
    hooks.onStarted?.(trainer.started);
    const t0 = now();
    const evalAt = async () => {
      const e = await trainer.evaluate();
      const point = { step: trainer.steps, loss: e.loss, accuracy: e.accuracy };
      curve.push(point);
      hooks.onPoint?.(point);
      return point;
    };
    const stopHere = (p: TrainPoint) => p.accuracy >= req.earlyStopAccuracy;
    let last = await evalAt();
    while (trainer.steps < req.steps && !stopHere(last)) {
      await yieldToEvents();
      if (hooks.signal?.aborted) {
        cancelled = true;
        break;
      }
      const s = now();
      const r = await trainer.step();
      stepMs += now() - s;
      const done = trainer.steps;
      const elapsed = now() - t0;
      hooks.onProgress?.({ step: done, steps: req.steps, loss: r.loss, accuracy: r.accuracy, etaMs: (elapsed / done) * (req.steps - done) });
      if (done % req.evalEvery === 0 || done === req.steps) {
        last = await evalAt();
        if (stopHere(last)) stoppedEarly = done < req.steps;
      }
    }
    hooks.onTrained?.(trainer.weights);
  } finally {
    trainer.dispose();
  }
  const final = curve.at(-1)!;
  return {
    ...trainer.started,
    task: req.task,
    seed: req.seed,
    curve,
    final: { accuracy: final.accuracy, loss: final.loss, steps: final.step },
    secondsPerStep: trainer.steps > 0 ? stepMs / 1000 / trainer.steps : 0,
    stoppedEarly,
    cancelled,
    startedAt,
    settings: {
      steps: req.steps,
      batch: req.batch,
      lr: req.lr,
      schedule: req.schedule,
      warmupSteps: req.warmupSteps,
      weightDecay: req.weightDecay,
      clipNorm: req.clipNorm,
      evalEvery: req.evalEvery,
      evalSize: req.evalSize,
      earlyStopAccuracy: req.earlyStopAccuracy,
    },
  };
}
