/**
 * The Hugging Face families of src/models/hf/: importers by `model_type` and exporters by family, which
 * src/models/hf.ts (`importHfConfig`, `exportHfConfig`) dispatches to. One module per family; each names its
 * reference files.
 */
import type { Design } from '../schema';
import type { ParseResult } from '../validate';
import { exportNemotronH, importNemotronH } from './nemotronH';
import { exportDense, exportMamba2 } from './simple';

type Json = Record<string, unknown>;

/** The 2025-2026 model types imported here (the older ones are in src/models/hf.ts). */
export const FAMILY_IMPORTERS: Readonly<Record<string, (json: Json) => ParseResult<Design>>> = {
  nemotron_h: importNemotronH,
};

/** Families a design can be exported as, in the order the automatic choice tries them. */
export const FAMILY_EXPORTERS: Readonly<Record<string, (design: Design) => ParseResult<Json>>> = {
  mamba2: exportMamba2,
  llama: (d) => exportDense(d, 'llama'),
  mistral: (d) => exportDense(d, 'mistral'),
  mixtral: (d) => exportDense(d, 'mixtral'),
  nemotron_h: exportNemotronH,
};
