import { useSyncExternalStore } from 'react';
import { useAppStore } from '../../app/store';

/**
 * Concrete chart colours per theme, matching the app's --panel/--text/--text-2/--border (SVG attributes cannot read
 * CSS variables, and exported files need real colours).
 */
export interface ChartTheme {
  name: 'light' | 'dark';
  bg: string;
  fg: string;
  muted: string;
  grid: string;
  budget: string;
}

/** The light and dark chart colours. */
export const CHART_THEMES: Record<'light' | 'dark', ChartTheme> = {
  light: { name: 'light', bg: '#ffffff', fg: '#1d2127', muted: '#5b6470', grid: '#e6e9ed', budget: '#c92a2a' },
  dark: { name: 'dark', bg: '#181c21', fg: '#e6e9ed', muted: '#a3abb5', grid: '#2b3139', budget: '#ff8787' },
};

const query = '(prefers-color-scheme: dark)';
function subscribe(cb: () => void): () => void {
  const m = globalThis.matchMedia?.(query);
  m?.addEventListener('change', cb);
  return () => m?.removeEventListener('change', cb);
}
const systemDark = () => globalThis.matchMedia?.(query).matches ?? false;

/** The chart colours of the theme in force (the user's choice, or the system's). */
export function useChartTheme(): ChartTheme {
  const theme = useAppStore((s) => s.theme);
  const dark = useSyncExternalStore(subscribe, systemDark, () => false);
  return CHART_THEMES[theme === 'dark' || (theme === 'system' && dark) ? 'dark' : 'light'];
}
