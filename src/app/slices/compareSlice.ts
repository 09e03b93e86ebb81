import type { Design } from '../../models/schema';
import type { SliceCreator } from './types';

/** Pinned designs for comparison. Owned by the charts/compare work (issue 5). */
export interface CompareSlice {
  pinned: { id: string; design: Design; color: string }[];
}

export const createCompareSlice: SliceCreator<CompareSlice> = () => ({
  pinned: [],
});
