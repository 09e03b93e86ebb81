/**
 * How a block's fields are edited in the inspector, as plain data (each kind's `fields.ts`): the view renders them,
 * every edit is validated against the same schema as an import. Pure: no React here.
 */
import type { PaletteGroup } from './kindSpec';

export type FieldSpec =
  | { key: string; label: string; type: 'int'; help?: string }
  /** A number; with a placeholder the field may be left empty, which removes the (optional) key. */
  | { key: string; label: string; type: 'number'; placeholder?: string; help?: string }
  | { key: string; label: string; type: 'intOrNull'; placeholder: string; help?: string }
  | { key: string; label: string; type: 'intOrAuto'; placeholder: string; help?: string }
  | { key: string; label: string; type: 'bool'; help?: string }
  | { key: string; label: string; type: 'enum'; options: readonly string[]; help?: string }
  /**
   * A list of nested mixers (a composite kind's branches): each item is edited with its own kind's fields and may
   * switch to any kind of the palette `groups` listed; the list keeps between `min` and `max` items.
   */
  | { key: string; label: string; type: 'mixerList'; itemLabel: string; groups: readonly PaletteGroup[]; min: number; max: number; help?: string };
