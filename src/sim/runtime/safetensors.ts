/**
 * The safetensors format (huggingface/safetensors README, "Format"): an 8-byte little-endian unsigned header length
 * N, then N bytes of JSON `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}` (offsets relative
 * to the byte after the header), then the raw little-endian tensor data. The header is padded with spaces to a
 * multiple of 8 bytes so the data stays aligned. Only F32 is written (the runtime is float32).
 */

export interface SafeTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

interface HeaderEntry {
  dtype: 'F32';
  shape: number[];
  data_offsets: [number, number];
}

/** Serialises tensors (in the given order) into one safetensors file. */
export function encodeSafetensors(tensors: readonly SafeTensor[], metadata: Record<string, string> = { format: 'pt' }): Uint8Array {
  const header: Record<string, HeaderEntry | Record<string, string>> = { __metadata__: metadata };
  let offset = 0;
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) throw new Error(`safetensors: duplicate tensor name "${t.name}"`);
    seen.add(t.name);
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (n !== t.data.length) throw new Error(`safetensors: ${t.name} has shape [${t.shape.join(', ')}] but ${t.data.length} values`);
    header[t.name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + n * 4] };
    offset += n * 4;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (new TextEncoder().encode(json).length % 8)) % 8);
  const head = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + head.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let pos = 8 + head.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, pos += 4) view.setFloat32(pos, t.data[i]!, true);
  }
  return out;
}

/** Parses a safetensors file of F32 tensors (used by tests and to check what was written). */
export function decodeSafetensors(bytes: Uint8Array): { tensors: Map<string, SafeTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error('safetensors: file shorter than its 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`safetensors: header length ${n} runs past the end of the file`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, SafeTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, v] of Object.entries(header)) {
    if (name === '__metadata__') {
      metadata = v as Record<string, string>;
      continue;
    }
    const e = v as HeaderEntry;
    if (e.dtype !== 'F32') throw new Error(`safetensors: ${name} has dtype ${e.dtype}; only F32 is read`);
    const [b, end] = e.data_offsets;
    if (base + end > bytes.length || end < b) throw new Error(`safetensors: ${name} data_offsets [${b}, ${end}] out of range`);
    const data = new Float32Array((end - b) / 4);
    for (let i = 0; i < data.length; i++) data[i] = view.getFloat32(base + b + 4 * i, true);
    tensors.set(name, { name, shape: e.shape, data });
  }
  return { tensors, metadata };
}
