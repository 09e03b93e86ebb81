/**
 * The hardware catalogue of the deployment planner: peak dense FLOP/s per dtype, memory bandwidth, memory capacity and
 * the link between GPUs, each entry with the datasheet it comes from.
 *
 * Conventions:
 * - Peak FLOP/s are dense (no 2:4 sparsity), tensor-core rates for bf16/fp16/fp8/int8 (int8 in OP/s), the plain
 *   (non-tensor) FP32 rate for fp32: the rate a recurrent scan or an elementwise kernel gets. GeForce cards list the
 *   rate with FP32 accumulation (what LLM kernels use), half of their FP16-accumulate figure.
 * - Memory capacity in bytes, read as binary units (80 GB of HBM3 = 80 GiB: HBM and GDDR are sized in powers of two).
 * - Bandwidths in bytes/s, decimal (3.35 TB/s = 3.35e12 B/s), as datasheets state them.
 * - `interconnect.bandwidth` is per GPU and per direction (a ring all-reduce sends and receives at once): NVLink 4 on
 *   H100 SXM is 900 GB/s both ways together, 450 GB/s each way.
 * - A dtype without an entry runs at the rate of the nearest wider dtype the device has (`peakFlopsFor`): fp8 weights
 *   on an A100 are widened to bf16 before the multiply.
 */
import { DTYPES, type Dtype } from '../../models/schema';

/** The link tensor-parallel ranks all-reduce over. */
export interface Interconnect {
  /** e.g. "NVLink 4", "PCIe 4.0 x16". */
  name: string;
  /** Bytes/s per GPU and per direction. */
  bandwidth: number;
  /** Fixed cost of one collective (s): the floor a small decode all-reduce pays whatever its size. */
  latencySeconds: number;
}

/** One device the planner can place a design on. */
export interface HardwareSpec {
  /** Stable id used by the CLI and the UI (`h100-sxm`, `rtx-4090`, `custom`, `this-device`). */
  id: string;
  name: string;
  /** Peak dense FLOP/s per dtype (OP/s for int8 / int4); a missing dtype falls back to a wider one. */
  peakFlops: Partial<Record<Dtype, number>>;
  /** Peak memory bandwidth, bytes/s. */
  memBandwidth: number;
  /** Memory capacity, bytes. */
  memBytes: number;
  /** The link between GPUs of this kind, or null when there is none (one device only). */
  interconnect: Interconnect | null;
  /** Where the numbers come from. */
  source: string;
}

const GiB = 2 ** 30;
const T = 1e12;
const G = 1e9;

/** Latency floors of one all-reduce: assumed orders of magnitude, editable through custom hardware. */
const NVLINK_LATENCY_S = 10e-6;
const PCIE_LATENCY_S = 25e-6;
const THUNDERBOLT_LATENCY_S = 50e-6;
const LATENCY_NOTE = 'all-reduce latency floor assumed (~10 µs NVLink, ~25 µs PCIe, ~50 µs Thunderbolt)';

/** The catalogue, in the order the UI lists it. */
export const HARDWARE: readonly HardwareSpec[] = [
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM 80GB',
    peakFlops: { fp32: 67 * T, bf16: 989.5 * T, fp16: 989.5 * T, fp8: 1979 * T, int8: 1979 * T },
    memBandwidth: 3.35 * T,
    memBytes: 80 * GiB,
    interconnect: { name: 'NVLink 4 (900 GB/s both ways)', bandwidth: 450 * G, latencySeconds: NVLINK_LATENCY_S },
    source: `NVIDIA H100 Tensor Core GPU datasheet (SXM5): FP32 67 TFLOPS, BF16/FP16 1,979 and FP8/INT8 3,958 with sparsity (half dense), 80 GB HBM3 at 3.35 TB/s, NVLink 900 GB/s; ${LATENCY_NOTE}`,
  },
  {
    id: 'h100-pcie',
    name: 'NVIDIA H100 PCIe 80GB',
    peakFlops: { fp32: 51 * T, bf16: 756.5 * T, fp16: 756.5 * T, fp8: 1513 * T, int8: 1513 * T },
    memBandwidth: 2.0 * T,
    memBytes: 80 * GiB,
    interconnect: { name: 'PCIe 5.0 x16 (128 GB/s both ways)', bandwidth: 64 * G, latencySeconds: PCIE_LATENCY_S },
    source: `NVIDIA H100 Tensor Core GPU datasheet (PCIe): FP32 51 TFLOPS, BF16/FP16 1,513 and FP8/INT8 3,026 with sparsity (half dense), 80 GB HBM2e at 2 TB/s, PCIe Gen5 128 GB/s (NVLink bridges join pairs only; not modelled); ${LATENCY_NOTE}`,
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    peakFlops: { fp32: 67 * T, bf16: 989.5 * T, fp16: 989.5 * T, fp8: 1979 * T, int8: 1979 * T },
    memBandwidth: 4.8 * T,
    memBytes: 141 * GiB,
    interconnect: { name: 'NVLink 4 (900 GB/s both ways)', bandwidth: 450 * G, latencySeconds: NVLINK_LATENCY_S },
    source: `NVIDIA H200 Tensor Core GPU datasheet (SXM): FP32 67 TFLOPS, BF16/FP16 1,979 and FP8/INT8 3,958 with sparsity (half dense), 141 GB HBM3e at 4.8 TB/s, NVLink 900 GB/s; ${LATENCY_NOTE}`,
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 SXM 80GB',
    peakFlops: { fp32: 19.5 * T, bf16: 312 * T, fp16: 312 * T, int8: 624 * T },
    memBandwidth: 2.039 * T,
    memBytes: 80 * GiB,
    interconnect: { name: 'NVLink 3 (600 GB/s both ways)', bandwidth: 300 * G, latencySeconds: NVLINK_LATENCY_S },
    source: `NVIDIA A100 Tensor Core GPU datasheet (80GB SXM): FP32 19.5 TFLOPS, BF16/FP16 312 TFLOPS, INT8 624 TOPS dense, no FP8 (runs at the BF16 rate), 80 GB HBM2e at 2,039 GB/s, NVLink 600 GB/s; ${LATENCY_NOTE}`,
  },
  {
    id: 'l40s',
    name: 'NVIDIA L40S 48GB',
    peakFlops: { fp32: 91.6 * T, bf16: 362.05 * T, fp16: 362.05 * T, fp8: 733 * T, int8: 733 * T },
    memBandwidth: 864 * G,
    memBytes: 48 * GiB,
    interconnect: { name: 'PCIe 4.0 x16 (64 GB/s both ways)', bandwidth: 32 * G, latencySeconds: PCIE_LATENCY_S },
    source: `NVIDIA L40S datasheet: FP32 91.6 TFLOPS, BF16/FP16 362.05 TFLOPS, FP8 733 TFLOPS and INT8 733 TOPS dense (1,466 with sparsity), 48 GB GDDR6 at 864 GB/s, PCIe Gen4 x16, no NVLink; ${LATENCY_NOTE}`,
  },
  {
    id: 'rtx-4090',
    name: 'NVIDIA GeForce RTX 4090 24GB',
    peakFlops: { fp32: 82.6 * T, bf16: 165.2 * T, fp16: 165.2 * T, fp8: 330.3 * T, int8: 660.6 * T },
    memBandwidth: 1008 * G,
    memBytes: 24 * GiB,
    interconnect: { name: 'PCIe 4.0 x16 (64 GB/s both ways)', bandwidth: 32 * G, latencySeconds: PCIE_LATENCY_S },
    source: `NVIDIA Ada GPU architecture whitepaper, appendix (RTX 4090): FP32 82.6 TFLOPS; dense tensor rates with FP32 accumulate: FP16/BF16 165.2, FP8 330.3 TFLOPS; INT8 660.6 TOPS; 24 GB GDDR6X at 1,008 GB/s; PCIe Gen4 x16, no NVLink; ${LATENCY_NOTE}`,
  },
  {
    id: 'rtx-5090',
    name: 'NVIDIA GeForce RTX 5090 32GB',
    peakFlops: { fp32: 104.8 * T, bf16: 209.5 * T, fp16: 209.5 * T, fp8: 419 * T, int8: 838 * T },
    memBandwidth: 1792 * G,
    memBytes: 32 * GiB,
    interconnect: { name: 'PCIe 5.0 x16 (128 GB/s both ways)', bandwidth: 64 * G, latencySeconds: PCIE_LATENCY_S },
    source: `NVIDIA RTX Blackwell GPU architecture whitepaper (RTX 5090): FP32 104.8 TFLOPS; dense tensor rates with FP32 accumulate: FP16/BF16 209.5, FP8 419 TFLOPS; INT8 838 TOPS; 32 GB GDDR7 at 1,792 GB/s; PCIe Gen5 x16, no NVLink; ${LATENCY_NOTE}`,
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X 192GB',
    peakFlops: { fp32: 81.7 * T, bf16: 1307.4 * T, fp16: 1307.4 * T, fp8: 2614.9 * T, int8: 2614.9 * T },
    memBandwidth: 5.3 * T,
    memBytes: 192 * GiB,
    interconnect: { name: 'Infinity Fabric (7 links, 896 GB/s both ways)', bandwidth: 448 * G, latencySeconds: NVLINK_LATENCY_S },
    source: `AMD Instinct MI300X data sheet: FP32 vector 81.7 TFLOPS, FP16/BF16 1,307.4 TFLOPS, FP8 2,614.9 TFLOPS and INT8 2,614.9 TOPS dense, 192 GB HBM3 at 5.3 TB/s, Infinity Fabric 896 GB/s peak aggregate; ${LATENCY_NOTE}`,
  },
  {
    id: 'm3-max',
    name: 'Apple M3 Max (40-core GPU, 128GB)',
    peakFlops: { fp32: 14.2 * T, bf16: 14.2 * T, fp16: 14.2 * T },
    memBandwidth: 400 * G,
    memBytes: 128 * GiB,
    interconnect: { name: 'Thunderbolt 4 (40 Gb/s)', bandwidth: 5 * G, latencySeconds: THUNDERBOLT_LATENCY_S },
    source: `Apple MacBook Pro (M3 Max) technical specifications: 40-core GPU, up to 128 GB unified memory at 400 GB/s, Thunderbolt 4. Apple publishes no FLOP/s: FP32 estimated as 40 cores × 128 ALUs × 2 × 1.38 GHz = 14.2 TFLOPS, FP16/BF16 at the same rate (no matrix units), no FP8/INT8 rate; macOS lets the GPU use only part of the unified memory (lower the capacity factor); ${LATENCY_NOTE}`,
  },
  {
    id: 'm4-max',
    name: 'Apple M4 Max (40-core GPU, 128GB)',
    peakFlops: { fp32: 16.2 * T, bf16: 16.2 * T, fp16: 16.2 * T },
    memBandwidth: 546 * G,
    memBytes: 128 * GiB,
    interconnect: { name: 'Thunderbolt 5 (80 Gb/s)', bandwidth: 10 * G, latencySeconds: THUNDERBOLT_LATENCY_S },
    source: `Apple MacBook Pro (M4 Max) technical specifications: 40-core GPU, up to 128 GB unified memory at 546 GB/s, Thunderbolt 5. Apple publishes no FLOP/s: FP32 estimated as 40 cores × 128 ALUs × 2 × 1.58 GHz = 16.2 TFLOPS, FP16/BF16 at the same rate (no matrix units), no FP8/INT8 rate; macOS lets the GPU use only part of the unified memory (lower the capacity factor); ${LATENCY_NOTE}`,
  },
];

/** Ids of the catalogue entries. */
export const HARDWARE_IDS: readonly string[] = HARDWARE.map((h) => h.id);

/** The catalogue entry with this id, or undefined. */
export function getHardware(id: string): HardwareSpec | undefined {
  return HARDWARE.find((h) => h.id === id);
}

/**
 * Which rate a dtype runs at when the device has no entry for it: the dtype itself, then wider ones (an int4 or fp8
 * weight is widened before the multiply), last any rate the device lists (custom hardware with one number).
 */
const WIDER: Record<Dtype, readonly Dtype[]> = {
  int4: ['int4', 'int8', 'fp8', 'fp16', 'bf16', 'fp32'],
  int8: ['int8', 'fp16', 'bf16', 'fp32'],
  fp8: ['fp8', 'bf16', 'fp16', 'fp32'],
  fp16: ['fp16', 'bf16', 'fp32'],
  bf16: ['bf16', 'fp16', 'fp32'],
  fp32: ['fp32'],
};

/** The peak FLOP/s a computation in `dtype` gets on `hw`, and the dtype whose rate that is. */
export function peakFlopsFor(hw: HardwareSpec, dtype: Dtype): { dtype: Dtype; flops: number } {
  for (const d of WIDER[dtype]) {
    const f = hw.peakFlops[d];
    if (f !== undefined && f > 0) return { dtype: d, flops: f };
  }
  // Custom hardware may give a single rate (say bf16 only): use the slowest one listed rather than none.
  let best: { dtype: Dtype; flops: number } | null = null;
  for (const d of DTYPES) {
    const f = hw.peakFlops[d];
    if (f !== undefined && f > 0 && (!best || f < best.flops)) best = { dtype: d, flops: f };
  }
  if (!best) throw new RangeError(`hardware ${hw.id}: peakFlops lists no positive rate`);
  return best;
}

const positive = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v > 0;

/**
 * Checks a hardware entry (custom or measured ones come from users); throws a RangeError naming the field and the
 * rule, e.g. `hardware.memBandwidth must be a positive number of bytes/s, got 0`.
 */
export function checkHardware(hw: HardwareSpec): void {
  const fail = (field: string, rule: string, got: unknown) => {
    throw new RangeError(`hardware${hw.id ? ` ${hw.id}` : ''}: ${field} must be ${rule}, got ${JSON.stringify(got) ?? String(got)}`);
  };
  if (typeof hw.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(hw.id)) fail('id', 'lower-case letters, digits and dashes (at most 40)', hw.id);
  if (typeof hw.name !== 'string' || hw.name.length === 0 || hw.name.length > 100) fail('name', 'a name of 1 to 100 characters', hw.name);
  if (!positive(hw.memBandwidth)) fail('memBandwidth', 'a positive number of bytes/s', hw.memBandwidth);
  if (!positive(hw.memBytes)) fail('memBytes', 'a positive number of bytes', hw.memBytes);
  if (hw.peakFlops === null || typeof hw.peakFlops !== 'object') fail('peakFlops', 'an object of FLOP/s per dtype', hw.peakFlops);
  let any = false;
  for (const [k, v] of Object.entries(hw.peakFlops)) {
    if (!(DTYPES as readonly string[]).includes(k)) fail(`peakFlops.${k}`, `one of the dtypes ${DTYPES.join(', ')}`, k);
    if (v === undefined) continue;
    if (!positive(v)) fail(`peakFlops.${k}`, 'a positive number of FLOP/s', v);
    any = true;
  }
  if (!any) fail('peakFlops', 'at least one positive rate', hw.peakFlops);
  if (hw.interconnect !== null) {
    const ic = hw.interconnect;
    if (!positive(ic.bandwidth)) fail('interconnect.bandwidth', 'a positive number of bytes/s', ic.bandwidth);
    if (!(typeof ic.latencySeconds === 'number' && Number.isFinite(ic.latencySeconds) && ic.latencySeconds >= 0)) fail('interconnect.latencySeconds', 'a non-negative number of seconds', ic.latencySeconds);
  }
}
