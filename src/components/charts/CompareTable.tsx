import { useMemo } from 'react';
import { formatBytes, formatCount, formatInt } from '../../sim/cost';
import { shortDesignNames } from './chartData';
import { formatTokens } from '../formatTokens';
import { summarizeCost, TABLE_LENGTHS, type DesignSummary } from './designSummary';
import type { DesignSeries } from './useChartSeries';

interface Props {
  series: DesignSeries[];
  budgetBytes: number;
  tableSeqLen: number;
  setTableSeqLen: (n: number) => void;
  onUnpin: (pinId: string) => void;
  onPinCurrent: () => void;
}

interface RowSpec {
  key: string;
  label: string;
  title: string;
  value: (sum: DesignSummary, s: DesignSeries) => { text: string; exact: string };
  /** Cells may wrap (words rather than a number with its unit). */
  wrap?: boolean;
}

const bytes = (n: number) => ({ text: formatBytes(n), exact: `${formatInt(n)} B` });

/** The measured point of a design's latest run at exactly L, if any. */
function measuredAt(s: DesignSeries, L: number) {
  return s.run?.points.find((p) => p.seqLen === L) ?? null;
}

/** Pinned designs side by side: parameters, memory, context in budget, FLOPs and measured speed, one column each. */
export function CompareTable({ series, budgetBytes, tableSeqLen, setTableSeqLen, onUnpin, onPinCurrent }: Props) {
  const short = useMemo(() => shortDesignNames(series.map((s) => s.name)), [series]);
  const sums = useMemo(() => series.map((s) => summarizeCost(s.cost, budgetBytes)), [series, budgetBytes]);
  const measuredLens = useMemo(() => [...new Set(series.flatMap((s) => s.run?.points.map((p) => p.seqLen) ?? []))].sort((a, b) => a - b), [series]);
  const L = measuredLens.includes(tableSeqLen) ? tableSeqLen : (measuredLens.at(-1) ?? tableSeqLen);

  const rows: RowSpec[] = [
    { key: 'params-total', label: 'Params (total)', title: 'Stored parameters of the full-size design', value: (m) => ({ text: formatCount(m.paramsTotal), exact: formatInt(m.paramsTotal) }) },
    { key: 'params-active', label: 'Params (active)', title: 'Parameters touched per token (MoE: router + top-k experts)', value: (m) => ({ text: formatCount(m.paramsActive), exact: formatInt(m.paramsActive) }) },
    { key: 'weights', label: 'Weight memory', title: 'Bytes of all stored weights in the cost dtype', value: (m) => bytes(m.weightBytes) },
    { key: 'kv-32k', label: `KV @ ${formatTokens(TABLE_LENGTHS.kvShort)}`, title: `KV cache for one sequence of ${formatInt(TABLE_LENGTHS.kvShort)} tokens`, value: (m) => bytes(m.kvBytesAt32K) },
    { key: 'kv-256k', label: `KV @ ${formatTokens(TABLE_LENGTHS.kvLong)}`, title: `KV cache for one sequence of ${formatInt(TABLE_LENGTHS.kvLong)} tokens`, value: (m) => bytes(m.kvBytesAt256K) },
    { key: 'state', label: 'State', title: 'Recurrent state per sequence (flat in length)', value: (m) => bytes(m.stateBytes) },
    {
      key: 'max-context',
      label: `Max ctx in ${formatBytes(budgetBytes)}`,
      title: 'Longest context whose weights + KV + state fit the memory budget',
      wrap: true,
      value: (m) => (m.maxContext === 0 ? { text: 'weights > budget', exact: '0 tokens: the weights and state alone exceed the budget' } : { text: formatTokens(m.maxContext), exact: Number.isFinite(m.maxContext) ? `${formatInt(m.maxContext)} tokens` : 'unbounded (KV never outgrows the budget)' }),
    },
    { key: 'flops-4k', label: `FLOPs/token @ ${formatTokens(TABLE_LENGTHS.flops)}`, title: 'Forward FLOPs to decode one token at this context', value: (m) => ({ text: formatCount(m.flopsPerTokenAt4K), exact: formatInt(m.flopsPerTokenAt4K) }) },
    {
      key: 'prefill',
      label: `Prefill @ ${formatTokens(L)} (measured)`,
      title: 'Median prefill throughput of the latest run of this design (scaled copy)',
      value: (_m, s) => {
        const p = measuredAt(s, L);
        return p ? { text: `${formatCount(p.prefillTokensPerSec)} tok/s`, exact: `${p.prefillTokensPerSec.toFixed(1)} tokens/s on ${s.run!.backend}, ${s.run!.profile.name}` } : { text: '—', exact: 'not measured at this length' };
      },
    },
    {
      key: 'decode',
      label: `Decode @ ${formatTokens(L)} (measured)`,
      title: 'Median decode latency of the latest run of this design (scaled copy)',
      value: (_m, s) => {
        const p = measuredAt(s, L);
        return p ? { text: `${p.decodeMsPerToken.toFixed(2)} ms/tok`, exact: `${p.decodeMsPerToken.toFixed(4)} ms/token on ${s.run!.backend}, ${s.run!.profile.name}` } : { text: '—', exact: 'not measured at this length' };
      },
    },
  ];

  return (
    <div className="hx-compare">
      <div className="hx-compare-head">
        <span className="hx-section-title">Comparison</span>
        <label className="hx-inline">
          measured at
          <select value={L} onChange={(e) => setTableSeqLen(Number(e.target.value))} disabled={measuredLens.length === 0} aria-label="Sequence length for measured columns">
            {(measuredLens.length ? measuredLens : [L]).map((n) => (
              <option key={n} value={n}>
                {formatTokens(n)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="hx-table-scroll">
        <table data-testid="compare-table" className="hx-table">
          <thead>
            <tr>
              <th scope="col">Design</th>
              {series.map((s, i) => (
                <th key={s.id} scope="col" data-design-key={s.key} style={{ borderTopColor: s.color }}>
                  <span className="hx-swatch" style={{ background: s.color }} aria-hidden="true" />
                  <span className="hx-col-name" title={s.name}>
                    {short[i]}
                  </span>
                  {s.unpinned ? (
                    <button type="button" className="hx-link" onClick={onPinCurrent} title="Pin the current design to keep it in the comparison">
                      + pin
                    </button>
                  ) : (
                    <button type="button" className="hx-link" onClick={() => onUnpin(s.key)} aria-label={`Unpin ${s.name}`} title="Unpin">
                      ×
                    </button>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.key} data-row={r.key}>
                <th scope="row" title={r.title}>
                  {r.label}
                </th>
                {series.map((s, i) => {
                  const v = r.value(sums[i]!, s);
                  return (
                    <td key={s.id} title={v.exact} data-exact={v.exact} className={r.wrap ? 'hx-wrap' : undefined}>
                      {v.text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
