import { Fragment, useMemo } from 'react';
import type { Design } from '../../models/schema';
import type { RunProgress, RunRecord } from '../../app/slices/runSlice';
import { formatBytes, formatCount, formatInt } from '../../sim/cost';
import { formatTokens } from '../formatTokens';
import { describeProfile, shortDesignNames, threadsLabel } from './chartData';
import { summarizeCost, TABLE_LENGTHS, type DesignSummary } from './designSummary';
import type { DesignSeries } from './useChartSeries';

/** What the table needs to run any of its designs (one run at a time) and to show the run in flight. */
export interface CompareRun {
  /** Key and name of the design whose run is in flight; null when no run is. */
  activeKey: string | null;
  activeName: string | null;
  progress: RunProgress | null;
  /** The run settings a Run uses, in words (backend, scan, profile, lengths). */
  settingsText: string;
  /** Starts a run of the design with the run panel's settings. */
  onRun: (design: Design) => void;
  onCancel: () => void;
}

interface Props {
  series: DesignSeries[];
  budgetBytes: number;
  tableSeqLen: number;
  setTableSeqLen: (n: number) => void;
  onUnpin: (pinId: string) => void;
  onPinCurrent: () => void;
  run: CompareRun;
  /** Rows other parts add below the measured ones (the planner's), in the same shape. */
  extraRows?: RowSpec[];
}

/** One row of the table: its label, the full wording, and the cell of each design. */
export interface RowSpec {
  key: string;
  /** Short label (the table must fit a 1024 px window); `title` says it in full. */
  label: string;
  title: string;
  value: (sum: DesignSummary, s: DesignSeries) => { text: string; exact: string };
  /** Cells may wrap (words rather than a number with its unit). */
  wrap?: boolean;
  /** First row of the measured group: the Run row goes above it. */
  group?: boolean;
  /** First row of a later group: drawn with a rule above it. */
  groupStart?: boolean;
}

const bytes = (n: number) => ({ text: formatBytes(n), exact: `${formatInt(n)} B` });

/** The measured point of a design's latest run at exactly L, if any. */
function measuredAt(s: DesignSeries, L: number) {
  return s.run?.points.find((p) => p.seqLen === L) ?? null;
}

const STATUS_WORDS: Record<RunRecord['status'], string> = { running: 'running', done: '', cancelled: 'cancelled', error: 'failed' };

/** "wasm ×2 · tiny" (+ "cancelled" / "failed"): what produced the design's measured numbers (backend × threads). */
function measuredOn(r: RunRecord | null): { text: string; exact: string } {
  if (!r) return { text: '—', exact: 'not measured yet: Run measures it with the run settings' };
  const status = STATUS_WORDS[r.status];
  const threads = r.backend ? (r.threads === null ? ' ×?' : ` ×${r.threads}`) : '';
  const text = `${r.backend ?? '…'}${threads} · ${r.profile.name}${status ? ` · ${status}` : ''}`;
  const exact =
    `${r.backend ?? 'backend not chosen yet'}${r.backendReason ? ` (${r.backendReason})` : ''}` +
    `${r.backend ? `, ${threadsLabel(r.threads)}${r.threadsReason ? ` (${r.threadsReason})` : ''}` : ''}${r.scan ? `, scan ${r.scan}` : ''}; ` +
    `${describeProfile(r.profile)}; ${r.points.length} of ${r.seqLens.length} lengths measured${status ? `, ${status}` : ''}${r.error ? `: ${r.error}` : ''}`;
  return { text, exact };
}

/** Pinned designs side by side: parameters, memory, context in budget, FLOPs and measured speed, one column each. */
export function CompareTable({ series, budgetBytes, tableSeqLen, setTableSeqLen, onUnpin, onPinCurrent, run, extraRows = [] }: Props) {
  const short = useMemo(() => shortDesignNames(series.map((s) => s.name)), [series]);
  const sums = useMemo(() => series.map((s) => summarizeCost(s.cost, budgetBytes)), [series, budgetBytes]);
  const measuredLens = useMemo(() => [...new Set(series.flatMap((s) => s.run?.points.map((p) => p.seqLen) ?? []))].sort((a, b) => a - b), [series]);
  const L = measuredLens.includes(tableSeqLen) ? tableSeqLen : (measuredLens.at(-1) ?? tableSeqLen);

  const rows: RowSpec[] = [
    { key: 'params-total', label: 'Params', title: 'Parameters, total: stored parameters of the full-size design', value: (m) => ({ text: formatCount(m.paramsTotal), exact: formatInt(m.paramsTotal) }) },
    { key: 'params-active', label: 'Active params', title: 'Parameters touched per token (MoE: router + top-k experts)', value: (m) => ({ text: formatCount(m.paramsActive), exact: formatInt(m.paramsActive) }) },
    { key: 'weights', label: 'Weights', title: 'Weight memory: bytes of all stored weights in the cost dtype', value: (m) => bytes(m.weightBytes) },
    { key: 'kv-32k', label: `KV @ ${formatTokens(TABLE_LENGTHS.kvShort)}`, title: `KV cache for one sequence of ${formatInt(TABLE_LENGTHS.kvShort)} tokens`, value: (m) => bytes(m.kvBytesAt32K) },
    { key: 'kv-256k', label: `KV @ ${formatTokens(TABLE_LENGTHS.kvLong)}`, title: `KV cache for one sequence of ${formatInt(TABLE_LENGTHS.kvLong)} tokens`, value: (m) => bytes(m.kvBytesAt256K) },
    { key: 'state', label: 'State', title: 'Recurrent state per sequence (flat in length)', value: (m) => bytes(m.stateBytes) },
    {
      key: 'max-context',
      label: `Max ctx in ${formatBytes(budgetBytes)}`,
      title: `Longest context (tokens) whose weights + KV + state fit the memory budget of ${formatBytes(budgetBytes)}`,
      wrap: true,
      value: (m) => (m.maxContext === 0 ? { text: 'weights > budget', exact: '0 tokens: the weights and state alone exceed the budget' } : { text: formatTokens(m.maxContext), exact: Number.isFinite(m.maxContext) ? `${formatInt(m.maxContext)} tokens` : 'unbounded (KV never outgrows the budget)' }),
    },
    { key: 'flops-4k', label: `FLOPs/tok @ ${formatTokens(TABLE_LENGTHS.flops)}`, title: `Forward FLOPs to decode one token at a context of ${formatInt(TABLE_LENGTHS.flops)} tokens`, value: (m) => ({ text: formatCount(m.flopsPerTokenAt4K), exact: formatInt(m.flopsPerTokenAt4K) }) },
    {
      key: 'measured-on',
      label: 'Measured on',
      title: 'Backend × CPU threads and run profile of the latest run of this design (a scaled copy runs in this browser)',
      wrap: true,
      group: true,
      value: (_m, s) => measuredOn(s.run),
    },
    {
      key: 'prefill',
      label: `Prefill tok/s @ ${formatInt(L)}`,
      title: `Measured prefill throughput (tokens/s, median) at ${formatInt(L)} tokens, latest run of this design (scaled copy)`,
      value: (_m, s) => {
        const p = measuredAt(s, L);
        return p ? { text: formatCount(p.prefillTokensPerSec), exact: `${p.prefillTokensPerSec.toFixed(1)} tokens/s on ${s.run!.backend}, ${threadsLabel(s.run!.threads)}, ${s.run!.profile.name} profile` } : { text: '—', exact: 'not measured at this length' };
      },
    },
    {
      key: 'decode',
      label: `Decode ms/tok @ ${formatInt(L)}`,
      title: `Measured decode latency (ms per token, median) at ${formatInt(L)} tokens, latest run of this design (scaled copy)`,
      value: (_m, s) => {
        const p = measuredAt(s, L);
        return p ? { text: p.decodeMsPerToken.toFixed(2), exact: `${p.decodeMsPerToken.toFixed(4)} ms/token on ${s.run!.backend}, ${threadsLabel(s.run!.threads)}, ${s.run!.profile.name} profile` } : { text: '—', exact: 'not measured at this length' };
      },
    },
  ];

  const busy = run.activeKey !== null;
  const runTitle = (s: DesignSeries) =>
    busy ? `A run of ${run.activeName ?? 'another design'} is in progress: one run at a time (wait for it or cancel it)` : `Measure ${s.name} with the run settings: ${run.settingsText}`;

  /** The Run row, first of the measured rows, so that what a run changes below it never moves its buttons. */
  const runRow = (
    <tr data-row="run" className="hx-group">
      <th scope="row" title={`Run a design with the run settings (${run.settingsText}); one run at a time`}>
        Run
      </th>
      {series.map((s) => {
        const mine = run.activeKey === s.key;
        const p = mine ? run.progress : null;
        return (
          <td key={s.id} className="hx-run-cell" data-design-key={s.key}>
            {mine ? (
              <>
                <progress
                  max={1}
                  value={p && p.total > 0 ? p.index / p.total : 0}
                  aria-label={`Run of ${s.name}`}
                  title={p ? `L = ${formatInt(p.seqLen)} (${p.index + 1} of ${p.total}) · ${p.phase}` : 'starting the worker…'}
                  data-testid="compare-run-progress"
                />
                <button type="button" onClick={run.onCancel} aria-label={`Cancel the run of ${s.name}`} title="Cancel: stop at once and keep the points measured" data-testid="compare-cancel">
                  ■ {p ? `${p.index + 1}/${p.total}` : '…'}
                </button>
              </>
            ) : (
              <button type="button" onClick={() => run.onRun(s.design)} disabled={busy} aria-label={`Run ${s.name}`} title={runTitle(s)} data-testid="compare-run">
                ▶ Run
              </button>
            )}
          </td>
        );
      })}
    </tr>
  );

  return (
    <div className="hx-compare">
      <div className="hx-compare-head">
        <span className="hx-section-title">Comparison</span>
        <label className="hx-inline">
          measured at
          <select value={L} onChange={(e) => setTableSeqLen(Number(e.target.value))} disabled={measuredLens.length === 0} aria-label="Sequence length for measured columns">
            {(measuredLens.length ? measuredLens : [L]).map((n) => (
              <option key={n} value={n}>
                {formatInt(n)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className="hx-table-scroll" data-testid="compare-scroll">
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
            {[...rows, ...extraRows].map((r) => (
              <Fragment key={r.key}>
                {r.group && runRow}
                <tr data-row={r.key} className={r.groupStart ? 'hx-group' : undefined}>
                  <th scope="row" title={r.title}>
                    {r.label}
                  </th>
                  {series.map((s, i) => {
                    const v = r.value(sums[i]!, s);
                    return (
                      <td key={s.id} title={v.exact} data-exact={v.exact} className={v.text === '—' ? 'hx-none' : r.wrap ? 'hx-wrap' : undefined}>
                        {v.text}
                      </td>
                    );
                  })}
                </tr>
              </Fragment>
            ))}
          </tbody>
        </table>
      </div>
      {busy && (
        <p className="hx-run-note hx-compare-note" role="status" data-testid="compare-run-status">
          Running <strong>{run.activeName}</strong>: one run at a time, so Run waits until it ends or is cancelled.
        </p>
      )}
    </div>
  );
}
