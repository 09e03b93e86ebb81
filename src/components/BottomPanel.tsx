import { useRef, type KeyboardEvent, type PointerEvent } from 'react';
import { useAppStore } from '../app/store';
import { ChartsPanel } from './charts/ChartsPanel';

/** The bottom region holding the charts: drag its top edge to resize, or collapse it. */
export function BottomPanel() {
  const height = useAppStore((s) => s.chartsHeight);
  const collapsed = useAppStore((s) => s.chartsCollapsed);
  const setHeight = useAppStore((s) => s.setChartsHeight);
  const setCollapsed = useAppStore((s) => s.setChartsCollapsed);
  const start = useRef<{ y: number; h: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (collapsed) return;
    start.current = { y: e.clientY, h: height };
    e.currentTarget.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!start.current) return;
    const max = window.innerHeight - 220;
    setHeight(Math.min(max, start.current.h + (start.current.y - e.clientY)));
  };
  const onPointerUp = () => {
    start.current = null;
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'ArrowUp') setHeight(height + 24);
    if (e.key === 'ArrowDown') setHeight(height - 24);
  };
  return (
    <section className="charts-region" style={{ height: collapsed ? 30 : height }} aria-label="Charts region">
      {!collapsed && (
        <div
          className="bottom-resizer"
          role="separator"
          aria-orientation="horizontal"
          aria-label="Resize the charts (drag, or arrow keys)"
          aria-valuenow={height}
          tabIndex={0}
          data-testid="charts-resizer"
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
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
