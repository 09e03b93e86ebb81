/**
 * The chart views, in one lazily loaded chunk with recharts and the image / data exports (ChartsPanel imports this
 * module with `import()`, so the editor draws without them; docs/benchmarks.md, "First load"). A new tab's view that
 * draws with recharts belongs here too.
 */
export { MemoryChart } from './MemoryChart';
export { ThroughputChart } from './ThroughputChart';
export { StateKvChart } from './StateKvChart';
export { HardwareView } from '../planner/HardwareView';
