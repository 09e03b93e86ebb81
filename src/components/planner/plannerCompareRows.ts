/**
 * The compare table's planner rows (issue 12): on the first hardware of the Hardware tab, with its GPUs, batch and
 * precision, at its length L: time to first token, decode tokens/s, max concurrency, and the GPUs needed.
 */
import type { PlannerModel } from '../../app/usePlanner';
import { formatInt } from '../../sim/cost/format';
import type { RowSpec } from '../charts/CompareTable';
import { formatTokens } from '../formatTokens';
import { describeDeployment, describeSplit, fitFor, formatRate, formatSeconds, gpusNeededFor, shortHardwareName } from './plannerModel';

const NONE = (exact: string) => ({ text: '—', exact });

/** The rows, in the order of the tabs: planned on, TTFT, decode tokens/s, max concurrency, GPUs needed. */
export function plannerCompareRows(planner: PlannerModel): RowSpec[] {
  const s = planner.settings;
  const hw = planner.hardware[0];
  const L = s.seqLen;
  const Lt = formatTokens(L);
  const on = hw ? `${s.gpus} × ${hw.name}` : 'no hardware';
  const where = `${on}, ${describeDeployment(s)}, L = ${formatInt(L)} tokens (roofline of the full-size design; Hardware tab)`;
  const fit = (d: Parameters<RowSpec['value']>[1]) => (hw ? fitFor(d.design, d.cost, hw, s, s.gpus, L) : null);
  const fitting = (d: Parameters<RowSpec['value']>[1]) => {
    const f = fit(d);
    return f?.point?.fits ? f : null;
  };
  const why = (d: Parameters<RowSpec['value']>[1]) => {
    const f = fit(d);
    if (!hw) return 'pick hardware in the Hardware tab (this device needs measuring first)';
    if (!f?.deployment) return f?.problem ?? 'no valid split';
    return `batch ${s.batch} at L = ${formatInt(L)} does not fit on ${on}`;
  };
  return [
    {
      key: 'planned-on',
      label: 'Planned on',
      title: `Hardware, GPUs, batch and dtypes of the planner rows: ${where}`,
      wrap: true,
      groupStart: true,
      value: (_m, d) => {
        const f = fit(d);
        return hw ? { text: `${shortHardwareName(hw)} · ${f ? describeSplit(f) : `${s.gpus} GPUs`} · b${s.batch}`, exact: where } : NONE(why(d));
      },
    },
    {
      key: 'ttft',
      label: `TTFT @ ${Lt}`,
      title: `Time to first token (prefill of ${formatInt(L)} tokens for the batch) on ${where}`,
      value: (_m, d) => {
        const f = fitting(d);
        return f ? { text: formatSeconds(f.point!.prefillSeconds), exact: `${f.point!.prefillSeconds.toPrecision(4)} s (${f.point!.prefillBound}-bound) on ${describeSplit(f)}` } : NONE(why(d));
      },
    },
    {
      key: 'decode-tps',
      label: `Decode tok/s @ ${Lt}`,
      title: `Decode tokens per second of the whole batch at context ${formatInt(L)} on ${where}`,
      value: (_m, d) => {
        const f = fitting(d);
        const p = f?.point;
        return p ? { text: formatRate(p.aggregateDecodeTokensPerSec), exact: `${p.aggregateDecodeTokensPerSec.toFixed(1)} tokens/s for the batch, ${p.decodeTokensPerSec.toFixed(2)} per sequence (${p.bound}-bound)` } : NONE(why(d));
      },
    },
    {
      key: 'max-concurrency',
      label: `Max concurrency @ ${Lt}`,
      title: `Most sequences of ${formatInt(L)} tokens whose KV cache and state fit beside the weights on ${on}`,
      value: (_m, d) => {
        const f = fit(d);
        const p = f?.point;
        if (!p) return NONE(why(d));
        return Number.isFinite(p.maxConcurrency) ? { text: formatInt(p.maxConcurrency), exact: `${formatInt(p.maxConcurrency)} sequences (${describeSplit(f!)})` } : { text: '∞', exact: 'unbounded: a sequence holds no KV cache or state' };
      },
    },
    {
      key: 'gpus-needed',
      label: 'GPUs needed',
      title: `Fewest of 1, 2, 4, 8 × ${hw ? hw.name : 'the hardware'} that hold batch ${s.batch} at ${formatInt(L)} tokens`,
      value: (_m, d) => {
        if (!hw) return NONE(why(d));
        const f = gpusNeededFor(d.design, d.cost, hw, s, L);
        return f ? { text: `${f.gpus}${f.gpus > 1 ? ` (${describeSplit(f)})` : ''}`, exact: `${f.gpus} × ${hw.name}: ${describeSplit(f)}` } : { text: '> 8', exact: `does not fit on 8 × ${hw.name} at batch ${s.batch}, L = ${formatInt(L)}` };
      },
    },
  ];
}
