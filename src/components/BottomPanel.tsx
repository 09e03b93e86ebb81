import { useEffect, useRef, useSyncExternalStore, type KeyboardEvent, type PointerEvent } from 'react';
import { useReactFlow } from '@xyflow/react';
import { useAppStore } from '../app/store';
import { ChartsPanel } from './charts/ChartsPanel';
import { chartsRegionHeight, clampCharts } from './chartsSplit';

const onResize = (notify: () => void) => {
  window.addEventListener('resize', notify);
  return () => window.removeEventListener('resize', notify);
};
/** The window's height, re-read when it changes. */
function useViewportHeight(): number {
  return useSyncExternalStore(onResize, () => window.innerHeight);
}

/** The canvas's fit (as EditorCanvas fits a new design). */
const FIT = { padding: 0.12, maxZoom: 1, minZoom: 0.05, duration: 200 } as const;

/**
 * When pinning the first design (or unpinning the last) moves the automatic split, the canvas loses or gains height:
 * fit the design into it again once it has its new size, so the editor still shows the whole design.
 */
function useRefitOnAutoSplitChange(auto: boolean, pinned: boolean): void {
  const { fitView } = useReactFlow();
  const last = useRef(pinned);
  useEffect(() => {
    if (last.current === pinned) return;
    last.current = pinned;
    if (!auto) return;
    const t = setTimeout(() => void fitView(FIT), 80);
    return () => clearTimeout(t);
  }, [auto, pinned, fitView]);
}

/**
 * The bottom region holding the charts: drag its top edge to resize (double-click it to return to the automatic
 * split, which favours the charts when designs are pinned: chartsSplit.ts), or collapse it.
 */
export function BottomPanel() {
  const stored = useAppStore((s) => s.chartsHeight);
  const pinned = useAppStore((s) => s.pinned.length > 0);
  const collapsed = useAppStore((s) => s.chartsCollapsed);
  const setStored = useAppStore((s) => s.setChartsHeight);
  const setCollapsed = useAppStore((s) => s.setChartsCollapsed);
  const viewport = useViewportHeight();
  const height = chartsRegionHeight(stored, viewport, pinned);
  useRefitOnAutoSplitChange(stored === 0 && !collapsed, pinned);
  const setHeight = (px: number) => setStored(clampCharts(px, window.innerHeight));
  const start = useRef<{ y: number; h: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (collapsed) return;
    start.current = { y: e.clientY, h: height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    setHeight(start.current.h + (start.current.y - e.clientY));
  };
  const onPointerUp = () => {
    start.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowUp') setHeight(height + 24);
    if (e.key === 'ArrowDown') setHeight(height - 24);
    if (e.key === 'Home') setStored(0);
  };
  return (
    <section className="charts-region" style={{ height: collapsed ? 30 : height }} aria-label="Charts region" data-split={stored > 0 ? 'manual' : 'auto'}>
      {!collapsed && (
        <div
          className="bottom-resizer"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize the charts (drag, or arrow keys; double-click or Home for the automatic split)"
          aria-valuenow={height}
          tabIndex={0}
          data-testid="charts-resizer"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onDoubleClick={() => setStored(0)}
          onKeyDown={onKeyDown}
        />
      )}
      <div className="bottom-bar">
        <span className="panel-title" style={{ padding: 0 }}>
          Charts
        </span>
        <span className="spacer" style={{ flex: 1 }} />
        <button type="button" className="btn ghost" style={{ height: 22 }} onClick={() => setCollapsed(!collapsed)} aria-expanded={!collapsed} data-testid="charts-toggle">
          {collapsed ? '▴ Show' : '▾ Hide'}
        </button>
      </div>
      <div className="bottom-body" hidden={collapsed}>
        <ChartsPanel />
      </div>
    </section>
  );
}
