/** The deployment planner: the full-size design on real hardware (pure: imports only src/models and src/sim/cost). */
export { checkHardware, getHardware, HARDWARE, HARDWARE_IDS, peakFlopsFor, type HardwareSpec, type Interconnect } from './hardware';
export {
  DEFAULT_EFFICIENCY,
  defaultPrecision,
  DEPLOYMENT_LIMITS,
  EFFICIENCY_SOURCES,
  resolveDeployment,
  tpProblem,
  type Deployment,
  type DeploymentInput,
  type Efficiency,
  type Precision,
} from './deployment';
export {
  allReduceSeconds,
  expectedDistinctExperts,
  FLASH_QUERY_TILE,
  headRoofline,
  layerRoofline,
  longestContext,
  planDeployment,
  planPhase,
  stageOf,
  usableBytes,
  type Bound,
  type BytesMoved,
  type DeploymentPoint,
  type GpuMemory,
  type LayerRoofline,
  type Phase,
  type PhaseBound,
  type PhasePlan,
  type Roofline,
} from './planDeployment';
export { fitOnGpus, GPU_COUNTS, gpusNeeded, type GpuFit } from './fitOnGpus';
export {
  calibrate,
  hardwareFromProbe,
  predictScaledRun,
  runDeployment,
  sanitizeProbe,
  THIS_DEVICE_ID,
  type CalibrationPoint,
  type DeviceProbe,
  type MeasuredPoint,
  type ScaledPrediction,
} from './calibration';
