/**
 * The Hugging Face families of src/models/hf/: importers by `model_type` and exporters by family, which
 * src/models/hf.ts (`importHfConfig`, `exportHfConfig`) dispatches to. One module per family; each names its
 * reference files.
 */
import type { Design } from '../schema';
import type { ParseResult } from '../validate';
import { exportFalconH1, importFalconH1 } from './falconH1';
import { exportBamba, exportGranite, importBamba, importGranite } from './granite';
import { importKimiLinear } from './kimiLinear';
import { importMiniMax } from './minimax';
import { exportNemotronH, importNemotronH } from './nemotronH';
import { exportQwen3Next, importQwen3Next } from './qwen3Next';
import { exportDense, exportMamba2 } from './simple';
import { exportZamba2, importZamba2 } from './zamba2';

type Json = Record<string, unknown>;

/** The 2025-2026 model types imported here (the older ones are in src/models/hf.ts). */
export const FAMILY_IMPORTERS: Readonly<Record<string, (json: Json) => ParseResult<Design>>> = {
  nemotron_h: importNemotronH,
  zamba2: importZamba2,
  falcon_h1: importFalconH1,
  granitemoehybrid: importGranite,
  bamba: importBamba,
  qwen3_next: importQwen3Next,
  kimi_linear: importKimiLinear,
  minimax: (j) => importMiniMax(j, 'minimax'),
  // The MiniMax checkpoints' own config.json (read by vLLM / FastDeploy): the same keys, attn_type_list.
  minimax_text_01: (j) => importMiniMax(j, 'minimax_text_01'),
  minimax_m1: (j) => importMiniMax(j, 'minimax_m1'),
};

/** Families a design can be exported as, in the order the automatic choice tries them. */
export const FAMILY_EXPORTERS: Readonly<Record<string, (design: Design) => ParseResult<Json>>> = {
  mamba2: exportMamba2,
  llama: (d) => exportDense(d, 'llama'),
  mistral: (d) => exportDense(d, 'mistral'),
  mixtral: (d) => exportDense(d, 'mixtral'),
  nemotron_h: exportNemotronH,
  zamba2: exportZamba2,
  falcon_h1: exportFalconH1,
  granitemoehybrid: exportGranite,
  bamba: exportBamba,
  qwen3_next: exportQwen3Next,
};
