/** Zamba's shared block: a call has no fields of its own; the block itself is edited in the shared-block inspector. */
import type { FieldSpec } from '../fieldSpec';

export const sharedFields: FieldSpec[] = [];
