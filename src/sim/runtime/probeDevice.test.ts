import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { hardwareFromProbe } from '../planner/calibration';
import { checkHardware } from '../planner/hardware';
import { probeDevice } from './probeDevice';
import { useTestBackend } from './testBackend';

// Small sizes and short trials: the test checks what the probe reports and that it frees every tensor, never a speed.
describe('probeDevice', () => {
  it.each(['cpu', 'wasm'] as const)('on %s: positive rates, a valid hardware entry, no tensor left', async (backend) => {
    await useTestBackend(backend);
    const base = tf.memory().numTensors;
    const { probe, backendReason } = await probeDevice(backend, { matmulSizes: [32, 64], addElements: 1 << 12, trials: 2, trialSeconds: 0.005 });
    expect(tf.memory().numTensors).toBe(base);
    expect(probe.backend).toBe(backend);
    expect(backendReason).toMatch(/forced by the user/);
    expect([32, 64]).toContain(probe.matmulSize);
    for (const v of [probe.matmulFlopsPerSec, probe.memBandwidth, probe.dispatchSeconds, probe.memBytes]) expect(v).toBeGreaterThan(0);
    expect(probe.method).toMatch(/matMul of 32, 64²/);
    const hw = hardwareFromProbe(probe);
    expect(() => checkHardware(hw)).not.toThrow();
    expect(hw.peakFlops.fp32).toBe(probe.matmulFlopsPerSec);
  });
});
