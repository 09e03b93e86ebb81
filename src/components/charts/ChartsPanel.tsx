import { lazy, Suspense, useEffect, useRef, useState } from 'react';
import './charts.css';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../app/store';
import { registerChartsTestApi } from '../../app/chartsTestApi';
import { registerQualityTestApi } from '../../app/qualityTestApi';
import { useRun } from '../../app/useRun';
import { useQuality } from '../../app/useQuality';
import { latestQuality } from '../../app/slices/qualitySlice';
import { TASKS } from '../../sim/lab/tasks/tasks';
import { RunPanel } from './RunPanel';
import { BUDGET_PRESETS_GIB } from '../../app/slices/uiSlice';
import type { ChartSettings } from '../../app/slices/compareSlice';
import { PRESETS, presetGroups } from '../../models/presets';
import { ratioVariants } from '../../models/patterns';
import { formatIssues } from '../../models/validate';
import { formatTokens } from '../formatTokens';
import { formatInt } from '../../sim/cost/format';
import { CompareTable } from './CompareTable';
import { useChartSeries } from './useChartSeries';
import { useChartTheme } from './useChartTheme';
import { usePlanner } from '../../app/usePlanner';
import { registerPlannerTestApi } from '../../app/plannerTestApi';
import { plannerCompareRows } from '../planner/plannerCompareRows';

// The charts (recharts and the image / data exports) load after the editor has drawn: they are most of the app's
// JavaScript, and the first paint needs none of them (docs/benchmarks.md, "First load"). The slot keeps its size
// meanwhile, so nothing moves when a chart arrives.
const views = () => import('./ChartViews');
const MemoryChart = lazy(() => views().then((m) => ({ default: m.MemoryChart })));
const ThroughputChart = lazy(() => views().then((m) => ({ default: m.ThroughputChart })));
const StateKvChart = lazy(() => views().then((m) => ({ default: m.StateKvChart })));
const HardwareView = lazy(() => views().then((m) => ({ default: m.HardwareView })));
const QualityChart = lazy(() => views().then((m) => ({ default: m.QualityChart })));
// The quality lab's controls load when its tab opens.
const QualityPanel = lazy(() => import('./QualityPanel').then((m) => ({ default: m.QualityPanel })));

/** What the chart slot shows while a chart's code loads. */
function ChartLoading() {
  return (
    <div className="hx-chart-loading" role="status" data-testid="chart-loading">
      Loading the chart…
    </div>
  );
}

const GIB = 1024 ** 3;
/** Right ends offered for the length axis, in tokens (round decimal counts, as every token count is shown). */
const AXIS_MAX = [250_000, 1_000_000, 4_000_000, 16_000_000] as const;
const TABS: { id: ChartSettings['view']; label: string }[] = [
  { id: 'memory', label: 'Memory' },
  { id: 'throughput', label: 'Throughput' },
  { id: 'state', label: 'State vs KV' },
  { id: 'quality', label: 'Quality' },
  { id: 'hardware', label: 'Hardware' },
];

/** The charts area: chart tabs and settings, comparison actions, the active chart, the run panel and the table. */
export function ChartsPanel() {
  const run = useRun();
  const quality = useQuality();
  useEffect(registerChartsTestApi, []);
  useEffect(registerPlannerTestApi, []);
  useEffect(registerQualityTestApi, []);
  const series = useChartSeries();
  const theme = useChartTheme();
  const planner = usePlanner();
  const { design, settings, budgetBytes, setChartSettings, setBudgetBytes, pinDesign, pinDesigns, unpinDesign, clearPinned, pinnedCount, pushNotice, costDtype } = useAppStore(
    useShallow((s) => ({
      costDtype: s.costDtype,
      design: s.design,
      settings: s.chartSettings,
      budgetBytes: s.budgetBytes,
      setChartSettings: s.setChartSettings,
      setBudgetBytes: s.setBudgetBytes,
      pinDesign: s.pinDesign,
      pinDesigns: s.pinDesigns,
      unpinDesign: s.unpinDesign,
      clearPinned: s.clearPinned,
      pinnedCount: s.pinned.length,
      pushNotice: s.pushNotice,
    })),
  );
  const fileInput = useRef<HTMLInputElement>(null);
  const budgetGiB = budgetBytes / GIB;
  const isPresetBudget = (BUDGET_PRESETS_GIB as readonly number[]).includes(budgetGiB);
  const [customBudget, setCustomBudget] = useState(isPresetBudget ? '' : String(Math.round(budgetGiB * 100) / 100));
  const [budgetError, setBudgetError] = useState<string | null>(null);
  const fileBase = design?.name ?? 'design';

  const compareRatios = () => {
    if (!design) return;
    try {
      pinDesigns(ratioVariants(design).map((v) => ({ design: v.design, origin: 'ratio' as const })));
    } catch (e) {
      pushNotice('error', `Compare ratios failed: ${(e as Error).message}`);
    }
  };
  const pinFile = async (file: File) => {
    const { loadDesignSource } = await import('../../models/load');
    const r = loadDesignSource(await file.text());
    if (r.ok) pinDesign(r.value, 'file');
    else pushNotice('error', `${file.name} was not pinned:\n${formatIssues(r.issues)}`);
  };
  const applyCustomBudget = (text: string) => {
    setCustomBudget(text);
    const v = Number(text);
    if (!(v > 0) || !Number.isFinite(v) || v > 1e6) {
      setBudgetError('budget: enter a size in GiB greater than 0 and at most 1,000,000');
      return;
    }
    setBudgetError(null);
    setBudgetBytes(Math.round(v * GIB));
  };

  const common = { series, settings, fileBase, setSettings: setChartSettings, theme };
  const qualityTask = TASKS[quality.settings.task];
  const qualityKv = qualityTask.kvPairsMeaning === null ? 1 : (quality.settings.kvPairs[0] ?? qualityTask.params().kvPairs);
  return (
    <section className={`hx-charts hx-theme-${theme.name}`} data-testid="charts-panel" aria-label="Charts and comparison">
      <div className="hx-charts-bar" role="toolbar" aria-label="Chart settings and comparison">
        <div className="hx-tabs" role="tablist" aria-label="Charts">
          {TABS.map((t) => (
            <button key={t.id} type="button" role="tab" aria-selected={settings.view === t.id} className={settings.view === t.id ? 'on' : ''} onClick={() => setChartSettings({ view: t.id })} data-testid={`tab-${t.id}`}>
              {t.label}
            </button>
          ))}
        </div>
        <div className="hx-seg" role="radiogroup" aria-label="Length axis">
          {(['log', 'linear'] as const).map((v) => (
            <button key={v} type="button" role="radio" aria-checked={settings.xScale === v} className={settings.xScale === v ? 'on' : ''} onClick={() => setChartSettings({ xScale: v })} data-testid={`xscale-${v}`}>
              {v} x
            </button>
          ))}
        </div>
        <label className="hx-inline">
          budget
          <select
            value={isPresetBudget ? String(budgetGiB) : 'custom'}
            onChange={(e) => {
              if (e.target.value === 'custom') applyCustomBudget(customBudget || String(Math.round(budgetGiB)));
              else {
                setBudgetError(null);
                setBudgetBytes(Number(e.target.value) * GIB);
              }
            }}
            aria-label="Memory budget"
            data-testid="chart-budget"
          >
            {BUDGET_PRESETS_GIB.map((g) => (
              <option key={g} value={String(g)}>
                {g} GiB
              </option>
            ))}
            <option value="custom">custom…</option>
          </select>
          {!isPresetBudget && (
            <input className="hx-num" type="number" min={0.001} step="any" value={customBudget} onChange={(e) => applyCustomBudget(e.target.value)} aria-label="Custom budget in GiB" aria-invalid={!!budgetError} />
          )}
          {!isPresetBudget && 'GiB'}
        </label>
        <label className="hx-inline">
          to
          <select value={settings.maxSeqLen} onChange={(e) => setChartSettings({ maxSeqLen: Number(e.target.value) })} aria-label="Longest length on the axis">
            {[...new Set([...AXIS_MAX, settings.maxSeqLen])]
              .sort((a, b) => a - b)
              .map((n) => (
                <option key={n} value={n}>
                  {formatTokens(n)}
                </option>
              ))}
          </select>
        </label>
        <span className="hx-spacer" />
        <button type="button" onClick={() => design && pinDesign(design, 'current')} disabled={!design} data-testid="pin-design" title="Keep the current design in the comparison, in its own colour">
          Pin current
        </button>
        <select
          value=""
          onChange={(e) => {
            const p = PRESETS.find((x) => x.id === e.target.value);
            if (p) pinDesign(p.design, 'preset');
          }}
          aria-label="Pin a preset"
          data-testid="pin-preset"
        >
          <option value="">Pin preset…</option>
          {presetGroups(PRESETS).map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.presets.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </optgroup>
          ))}
        </select>
        <button type="button" onClick={() => fileInput.current?.click()} title="Pin a design file (our JSON or a Hugging Face config.json)">
          Pin file…
        </button>
        <input
          ref={fileInput}
          type="file"
          accept=".json,application/json"
          hidden
          data-testid="pin-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void pinFile(f);
          }}
        />
        <button type="button" className="hx-primary" onClick={compareRatios} disabled={!design} data-testid="compare-ratios" title="Pin 1:1, 1:3, 1:7, pure attention and pure state-space variants of the current design (same depth and width, same MoE placement)">
          Compare ratios
        </button>
        <button type="button" onClick={clearPinned} disabled={pinnedCount === 0} data-testid="clear-pins">
          Clear pins
        </button>
      </div>
      {budgetError && (
        <p className="hx-run-error" role="alert">
          {budgetError}
        </p>
      )}
      <div className="hx-charts-main">
        <div className="hx-chart-slot">
          <Suspense fallback={<ChartLoading />}>
            {settings.view === 'memory' && <MemoryChart {...common} budgetBytes={budgetBytes} />}
            {settings.view === 'throughput' && <ThroughputChart {...common} planner={planner} />}
            {settings.view === 'state' && <StateKvChart {...common} />}
            {settings.view === 'quality' && (
              <QualityChart
                designs={series.map((s) => ({ key: s.key, name: s.name, color: s.color }))}
                results={quality.results}
                settings={quality.settings}
                setSettings={quality.setSettings}
                costDtype={costDtype}
                fileBase={fileBase}
                theme={theme}
              />
            )}
            {settings.view === 'hardware' && <HardwareView model={planner} series={series} settings={settings} fileBase={fileBase} theme={theme} />}
          </Suspense>
        </div>
        <aside className="hx-charts-side">
          {settings.view === 'quality' ? (
            <Suspense
              fallback={
                <div className="hx-chart-loading" role="status">
                  Loading the quality lab…
                </div>
              }
            >
              <QualityPanel model={quality} designs={series.map((s) => s.design)} />
            </Suspense>
          ) : (
            <RunPanel model={run} />
          )}
          <CompareTable
            series={series}
            budgetBytes={budgetBytes}
            tableSeqLen={settings.tableSeqLen}
            setTableSeqLen={(n) => setChartSettings({ tableSeqLen: n })}
            onUnpin={unpinDesign}
            onPinCurrent={() => design && pinDesign(design, 'current')}
            extraRows={plannerCompareRows(planner)}
            run={{
              activeKey: run.active?.designKey ?? null,
              activeName: run.active?.designName ?? null,
              progress: run.progress,
              settingsText: `backend ${run.settings.backend}, scan ${run.settings.scan}, ${run.settings.profileName} profile, lengths ${run.settings.seqLens.map(formatInt).join(', ')}`,
              onRun: run.startDesign,
              onCancel: run.cancel,
            }}
            quality={{
              label: `${qualityTask.name}, ${qualityTask.kvPairsMeaning === null ? '1 query' : `${qualityKv} ${quality.settings.task === 'copy' ? 'tokens' : 'pairs'}`}`,
              of: (key) => latestQuality(quality.results, key, quality.settings.task, qualityKv),
            }}
          />
        </aside>
      </div>
    </section>
  );
}
