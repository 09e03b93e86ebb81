import { create } from 'zustand';
import { persist } from 'zustand/middleware';
import type { AppState } from './slices/types';
import { createDesignSlice } from './slices/designSlice';
import { createUiSlice } from './slices/uiSlice';
import { createRunSlice } from './slices/runSlice';
import { createCompareSlice } from './slices/compareSlice';
import { createPlannerSlice } from './slices/plannerSlice';
import { persistOptions, takeHydrationNotices } from './persistence';

/** The one bound store. Middleware (persist) goes here, on the combined store only. */
export const useAppStore = create<AppState>()(
  persist(
    (...a) => ({
      ...createDesignSlice(...a),
      ...createUiSlice(...a),
      ...createRunSlice(...a),
      ...createCompareSlice(...a),
      ...createPlannerSlice(...a),
    }),
    persistOptions,
  ),
);

for (const text of takeHydrationNotices()) useAppStore.getState().pushNotice('error', text);
