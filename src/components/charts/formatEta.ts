/** The time left of a run or a training, as the progress lines show it: "ETA 42 s", "ETA 3 min 5 s", "ETA …" unknown. */
export function formatEta(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return 'ETA …';
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `ETA ${s} s` : `ETA ${Math.floor(s / 60)} min ${s % 60} s`;
}
