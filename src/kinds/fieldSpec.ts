/**
 * How a block's fields are edited in the inspector, as plain data (each kind's `fields.ts`): the view renders them,
 * every edit is validated against the same schema as an import. Pure: no React here.
 */
export type FieldSpec =
  | { key: string; label: string; type: 'int'; help?: string }
  | { key: string; label: string; type: 'number'; help?: string }
  | { key: string; label: string; type: 'intOrNull'; placeholder: string; help?: string }
  | { key: string; label: string; type: 'intOrAuto'; placeholder: string; help?: string }
  | { key: string; label: string; type: 'bool'; help?: string }
  | { key: string; label: string; type: 'enum'; options: readonly string[]; help?: string };
