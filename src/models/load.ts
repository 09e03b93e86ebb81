import { importHfConfig, importMambaSsmConfig } from './hf';
import type { Design } from './schema';
import { parseJsonText, validateDesign, type ParseResult } from './validate';

/** What kind of document a text holds, judged by its top-level keys. */
export type SourceKind = 'design' | 'hf-config';

/**
 * A design from text holding our JSON (it has a `format` field), a Hugging Face `config.json` (it has a
 * `model_type` field) or a state-spaces/mamba `config.json` (`d_model` and `n_layer`, no model_type). Used by the CLI and the editor's import. Never throws; the issues name the path and the rule.
 */
export function loadDesignSource(text: string): ParseResult<Design> & { kind?: SourceKind } {
  const j = parseJsonText(text);
  if (!j.ok) return j;
  const v = j.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (Object.prototype.hasOwnProperty.call(o, 'format')) return { ...validateDesign(v), kind: 'design' };
    if (Object.prototype.hasOwnProperty.call(o, 'model_type')) return { ...importHfConfig(v), kind: 'hf-config' };
    // state-spaces/mamba checkpoints ship a config.json without model_type (config_mamba.py keys).
    if (Object.prototype.hasOwnProperty.call(o, 'd_model') && Object.prototype.hasOwnProperty.call(o, 'n_layer')) return { ...importMambaSsmConfig(v), kind: 'hf-config' };
    return { ok: false, issues: [{ path: '(document)', message: 'neither a design (no "format" field), a Hugging Face config.json (no "model_type" field) nor a state-spaces/mamba config.json (no "d_model" and "n_layer")' }] };
  }
  return validateDesign(v);
}
