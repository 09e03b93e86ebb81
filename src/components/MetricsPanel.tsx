import { useAppStore } from '../app/store';
import { selectMetrics } from '../app/selectors';
import { formatBytes, formatCount, formatInt } from '../sim/cost';
import { Tooltip } from './Tooltip';
import { formatTokens } from './formatTokens';

/** Live costs of the full-size design from the cost model; each row explains itself on hover. */
export function MetricsPanel() {
  const m = useAppStore(selectMetrics);
  const { params } = m.cost;
  const L = formatTokens(m.seqLen);
  const rows: { id: string; label: string; value: string; note?: string; tip: string }[] = [
    { id: 'params-total', label: 'Params total', value: formatCount(params.total), tip: m.explain.paramsTotal },
    {
      id: 'params-active',
      label: 'Params active',
      value: formatCount(params.active),
      note: params.total > 0 ? `${((100 * params.active) / params.total).toFixed(0)}%` : undefined,
      tip: m.explain.paramsActive,
    },
    { id: 'weights', label: 'Weights', value: formatBytes(m.cost.weightBytes), note: m.dtype, tip: m.explain.weightBytes },
    { id: 'kv', label: `KV cache @${L}`, value: formatBytes(m.at.kvCacheBytes), tip: m.explain.kvCacheBytes },
    { id: 'state', label: 'State', value: formatBytes(m.at.stateBytes), note: 'flat in L', tip: m.explain.stateBytes },
    { id: 'flops', label: `FLOPs/token @${L}`, value: formatCount(m.at.flopsPerToken), tip: m.explain.flopsPerToken },
    {
      id: 'max-context',
      label: `Max ctx in ${formatBytes(m.budgetBytes)}`,
      value: m.maxContext === 0 ? 'does not fit' : Number.isFinite(m.maxContext) ? `${formatTokens(m.maxContext)} tok` : 'unbounded',
      tip: m.explain.maxContext,
    },
    {
      id: 'crossover',
      label: 'KV > state from',
      value: m.crossover === null ? 'never' : `${formatInt(m.crossover)} tok`,
      tip:
        m.crossover === null
          ? 'The KV cache never outgrows the recurrent state (no attention, or windows cap it).'
          : `Smallest sequence length L at which the KV cache (${formatBytes(m.cost.layers.reduce((a, l) => a + l.kvBytesPerToken, 0))}/token) holds more bytes than the recurrent state (${formatBytes(m.cost.stateBytes)}): L = ${formatInt(m.crossover)}.`,
    },
  ];
  return (
    <section className="metrics" aria-label="Metrics">
      <div className="panel-title">
        Metrics <span className="hint">full-size, analytic</span>
      </div>
      {rows.map((r) => (
        <Tooltip key={r.id} className="metric-row" text={r.tip}>
          <span className="k">{r.label}</span>
          <span className="v" data-testid={`metric-${r.id}`} data-value={metricValue(r.id, m)}>
            {r.value}
            {r.note && <small> {r.note}</small>}
          </span>
        </Tooltip>
      ))}
    </section>
  );
}

/** The exact number behind a metric row, for tests and screen readers. */
function metricValue(id: string, m: ReturnType<typeof selectMetrics>): number | undefined {
  switch (id) {
    case 'params-total':
      return m.cost.params.total;
    case 'params-active':
      return m.cost.params.active;
    case 'weights':
      return m.cost.weightBytes;
    case 'kv':
      return m.at.kvCacheBytes;
    case 'state':
      return m.at.stateBytes;
    case 'flops':
      return m.at.flopsPerToken;
    case 'max-context':
      return m.maxContext;
    default:
      return m.crossover ?? undefined;
  }
}
