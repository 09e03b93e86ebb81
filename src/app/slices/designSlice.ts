import type { Design } from '../../models/schema';
import type { SliceCreator } from './types';

/** The design being edited. Owned by the editor (issue 4). */
export interface DesignSlice {
  design: Design | null;
  setDesign: (d: Design) => void;
}

export const createDesignSlice: SliceCreator<DesignSlice> = (set) => ({
  design: null,
  setDesign: (design) => set({ design }),
});
