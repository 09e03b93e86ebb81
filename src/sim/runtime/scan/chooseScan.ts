/**
 * Picks the scan implementation for a backend. `auto`: the custom WGSL program on `webgpu` (one dispatch, no per-op
 * overhead); our WebAssembly SIMD kernel (`simd`) on `wasm` and `cpu`, where tensors already live in CPU memory and
 * it beat the per-token tf ops, the chunked tf ops and the plain `js` loop in `npm run bench -- scan` (the chunked
 * tf forms pay for exp over every (token, channel, state) element in separate passes; the kernel does the whole
 * recurrence in one pass, four lanes at a time), or the `js` loop where WebAssembly SIMD is missing; the chunked tf
 * ops on `webgl`, where a readback would stall the GPU. A forced choice is honoured, except `wgsl` off webgpu, and
 * `js` or `simd` on webgpu (whose synchronous readback goes through a canvas and is poor by tfjs's own warning),
 * which are refused with a clear error, as is `simd` without WebAssembly SIMD.
 */
import type { BackendName, ScanChoice, ScanImpl } from '../../protocol';

/** Threads per workgroup the WGSL scan can use: one per state element of a channel. */
export const WGSL_MAX_STATE_PER_CHANNEL = 256;

/**
 * @param backend the active tfjs backend
 * @param requested the user's choice
 * @param statePerChannel largest state width per channel in the model (Mamba dState, Hyena stateSize); auto avoids
 *   `wgsl` above WGSL_MAX_STATE_PER_CHANNEL
 * @param simdAvailable whether WebAssembly SIMD runs here (`simdScanAvailable()` of scanSimd.ts)
 */
export function chooseScan(backend: BackendName, requested: ScanChoice, statePerChannel = 0, simdAvailable = true): ScanImpl {
  if (requested === 'wgsl') {
    if (backend !== 'webgpu') throw new Error(`scan "wgsl" needs the webgpu backend; the active backend is "${backend}" (use naive, chunked or auto)`);
    if (statePerChannel > WGSL_MAX_STATE_PER_CHANNEL) {
      throw new Error(`scan "wgsl" handles at most ${WGSL_MAX_STATE_PER_CHANNEL} state elements per channel; the model has ${statePerChannel}`);
    }
    return 'wgsl';
  }
  if ((requested === 'js' || requested === 'simd') && backend === 'webgpu') {
    throw new Error(`scan "${requested}" needs a synchronous readback, which the webgpu backend does poorly; use wgsl, chunked or auto on webgpu`);
  }
  if (requested === 'simd' && !simdAvailable) {
    throw new Error('scan "simd" needs WebAssembly SIMD, which this runtime lacks; use js, chunked or auto');
  }
  if (requested !== 'auto') return requested;
  if (backend === 'webgpu') return statePerChannel <= WGSL_MAX_STATE_PER_CHANNEL ? 'wgsl' : 'chunked';
  if (backend === 'webgl') return 'chunked';
  return simdAvailable ? 'simd' : 'js';
}
