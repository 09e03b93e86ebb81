/** The analytic cost model: pure TypeScript over a validated design (no React, tfjs or DOM). */
export { analyzeDesign, resolveOptions } from './analyzeDesign';
export { BYTES_PER_ELEMENT } from './bytesPerElement';
export { attendedPositionsInPrefill, costAt, costCurve, costPointAt, kvBytesAt, positionsHeld } from './costAt';
export { crossoverForCost, crossoverLength } from './crossoverLength';
export { explainCost, type CostExplanation, type ExplainOptions } from './explainCost';
export { formatBytes, formatCount, formatInt } from './format';
export { largestSeqLenWithKvAtMost, maxContextForCost, maxContextInBudget } from './maxContextInBudget';
export type { CostOptions, CostPoint, DesignCost, LayerCost, SharedBlockCost, StateTensorSpec, TensorSpec } from './types';
