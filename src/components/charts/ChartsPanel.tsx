/** The charts area (memory, throughput, state vs KV) with the run panel and the comparison table. */
export function ChartsPanel() {
  return <section data-testid="charts-panel" aria-label="Charts" />;
}
