import { useState, type ReactNode } from 'react';

/** A hover/focus tooltip placed next to its anchor (fixed positioning, so panels with overflow do not clip it). */
export function Tooltip({ text, children, className }: { text: string; children: ReactNode; className?: string }) {
  const [pos, setPos] = useState<{ x: number; y: number } | null>(null);
  const show = (el: HTMLElement) => {
    const r = el.getBoundingClientRect();
    setPos({ x: Math.max(8, r.left - 390), y: r.top });
  };
  return (
    <div
      className={className}
      tabIndex={0}
      onMouseEnter={(e) => show(e.currentTarget)}
      onMouseLeave={() => setPos(null)}
      onFocus={(e) => show(e.currentTarget)}
      onBlur={() => setPos(null)}
      aria-description={text}
    >
      {children}
      {pos && (
        <div className="tooltip" role="tooltip" style={{ left: pos.x, top: Math.min(pos.y, window.innerHeight - 160) }}>
          {text}
        </div>
      )}
    </div>
  );
}
