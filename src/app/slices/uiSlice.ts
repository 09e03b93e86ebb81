import type { SliceCreator } from './types';

/** View state: theme, selection, panels. Owned by the editor (issue 4). */
export interface UiSlice {
  theme: 'light' | 'dark' | 'system';
  setTheme: (t: UiSlice['theme']) => void;
}

export const createUiSlice: SliceCreator<UiSlice> = (set) => ({
  theme: 'system',
  setTheme: (theme) => set({ theme }),
});
