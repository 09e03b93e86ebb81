import { importHfConfig, importMambaSsmConfig } from './hf';
import type { Design } from './schema';
import { parseJsonText, validateDesign, type ParseResult } from './validate';

/** What kind of document a text holds, judged by its top-level keys. */
export type SourceKind = 'design' | 'hf-config';

const has = (o: Record<string, unknown>, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** A state-spaces/mamba checkpoint's config.json: no model_type, but d_model and n_layer (config_mamba.py keys). */
function isStateSpacesConfig(o: Record<string, unknown>): boolean {
  return !has(o, 'model_type') && has(o, 'd_model') && has(o, 'n_layer');
}

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
    if (has(o, 'format')) return { ...validateDesign(v), kind: 'design' };
    if (has(o, 'model_type')) return { ...importHfConfig(v), kind: 'hf-config' };
    if (isStateSpacesConfig(o)) return { ...importMambaSsmConfig(v), kind: 'hf-config' };
    return { ok: false, issues: [{ path: '(document)', message: 'neither a design (no "format" field), a Hugging Face config.json (no "model_type" field) nor a state-spaces/mamba config.json (no "d_model" and "n_layer")' }] };
  }
  return validateDesign(v);
}

/**
 * A design from a config.json only (the CLI's `import-hf`): a Hugging Face config (`model_type`) or a state-spaces
 * one (`d_model` and `n_layer`), detected exactly as {@link loadDesignSource} detects them. Never throws.
 */
export function loadConfigSource(text: string): ParseResult<Design> {
  const j = parseJsonText(text);
  if (!j.ok) return j;
  const v = j.value;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (isStateSpacesConfig(o)) return importMambaSsmConfig(v);
    if (!has(o, 'model_type') && has(o, 'format')) return { ok: false, issues: [{ path: 'format', message: 'this is already a design (it has "format"); import-hf reads a Hugging Face or state-spaces config.json' }] };
  }
  return importHfConfig(v);
}
