import type { BenchResult } from '../../sim/protocol';
import type { SliceCreator } from './types';

/** Benchmark runs, kept per design. Owned by the charts/runs work (issue 5). */
export interface RunSlice {
  runs: Record<string, BenchResult[]>;
}

export const createRunSlice: SliceCreator<RunSlice> = () => ({
  runs: {},
});
