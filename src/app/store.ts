import { create } from 'zustand';
import type { AppState } from './slices/types';
import { createDesignSlice } from './slices/designSlice';
import { createUiSlice } from './slices/uiSlice';
import { createRunSlice } from './slices/runSlice';
import { createCompareSlice } from './slices/compareSlice';

/** The one bound store. Middleware (persist) goes here, on the combined store only. */
export const useAppStore = create<AppState>()((...a) => ({
  ...createDesignSlice(...a),
  ...createUiSlice(...a),
  ...createRunSlice(...a),
  ...createCompareSlice(...a),
}));
