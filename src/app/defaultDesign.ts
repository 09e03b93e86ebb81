import type { Design } from '../models/schema';
import { getPreset } from '../models/presets';

/** The preset a new user (or a reset after a corrupted store) starts from. */
export const DEFAULT_PRESET_ID = 'jamba-v0.1';

/** The design the editor starts with: the published Jamba-v0.1. */
export function defaultDesign(): Design {
  const p = getPreset(DEFAULT_PRESET_ID);
  if (!p) throw new Error(`preset "${DEFAULT_PRESET_ID}" is missing from src/models/presets.ts`);
  return structuredClone(p.design);
}
