import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useAppStore } from '../../app/store';
import { selectDesignCost, selectLayers } from '../../app/selectors';
import { kindStyle } from '../kindColors';
import { isSparseFfn } from '../../kinds/specs';
import type { FfnKind } from '../../models/schema';
import { mixerLetter } from './graphModel';
import { formatShare } from './LayerNode';
import type { GroupNodeType } from './graphNodes';
import { selectLayerTimes } from '../../app/layerTimes';
import './heat.css';

/** A collapsed run of a repeated block ("Jamba block × 4"); double-click (or the arrow) expands it. */
export const GroupNode = memo(function GroupNode({ data, selected }: NodeProps<GroupNodeType>) {
  const { start, period, count, label } = data;
  const n = period * count;
  const block = useAppStore((s) => selectLayers(s).slice(start, start + period).map((l) => `${l.mixer.kind}/${l.ffn.kind}`).join(','));
  const share = useAppStore((s) => {
    const c = selectDesignCost(s);
    let p = 0;
    for (let i = start; i < start + n; i++) p += c.layers[i]?.params ?? 0;
    return p / c.params.total;
  });
  const letters = useAppStore((s) => selectLayers(s).slice(start, start + period).map(mixerLetter).join(''));
  // Shading by the group's share of decode / prefill time (Hardware tab).
  const times = useAppStore(selectLayerTimes);
  let timeShare: number | null = null;
  if (times) {
    timeShare = 0;
    for (let i = start; i < start + n; i++) timeShare += times.layers[i]?.share ?? 0;
  }
  const setGroupExpanded = useAppStore((s) => s.setGroupExpanded);
  const setSelection = useAppStore((s) => s.setSelection);
  // Expanding shows the layers one by one; the group's selection would otherwise select all of them.
  const expand = () => {
    setSelection([]);
    setGroupExpanded({ start, end: start + n }, true);
  };
  // A node can render once more with stale data right after the design changed under it (its parent redraws next).
  if (!block) return null;
  const cells = block.split(',').map((k) => k.split('/') as [string, string]);
  return (
    <div
      className={`gnode group${selected ? ' selected' : ''}${timeShare !== null ? ' heat' : ''}`}
      data-testid="group-node"
      data-start={start}
      data-layers={n}
      data-time-share={timeShare ?? undefined}
      style={timeShare !== null && times ? ({ '--heat': Math.min(1, times.maxShare > 0 ? timeShare / (times.maxShare * n) : 0) } as React.CSSProperties) : undefined}
      onDoubleClick={expand}
      title={`Layers ${start}–${start + n - 1}: ${letters} repeated ${count} times. Double-click to expand.${timeShare !== null && times ? `\n${formatShare(timeShare, 1)} of the ${times.phase} time on ${times.gpus} × ${times.hardwareName} (batch ${times.batch}, L = ${times.seqLen.toLocaleString('en-US')}); expand for each layer's roofline.` : ''}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="stripe" aria-hidden>
        {cells.map(([m], i) => (
          <i key={i} style={{ background: kindStyle(m as 'none').color }} />
        ))}
      </span>
      <span className="body">
        <span className="title">
          {label} × {count}
        </span>
        <span className="sub">
          layers {start}–{start + n - 1} · <span className="mono">{letters}</span>
        </span>
        <span className="mini" aria-hidden>
          {cells.map(([m, f], i) => (
            <i key={i} className={isSparseFfn(f as FfnKind) ? 'moe' : undefined} style={{ background: kindStyle(m as 'none').color }} />
          ))}
        </span>
      </span>
      <span className="share">{timeShare !== null && times ? `${formatShare(timeShare, 1)} ${times.phase === 'decode' ? 'dec' : 'pre'}` : formatShare(share, 1)}</span>
      <button
        type="button"
        className="btn ghost icon nodrag"
        aria-label={`Expand ${label} × ${count}`}
        onClick={(e) => {
          e.stopPropagation();
          expand();
        }}
      >
        ▸
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
      <Handle id="r" type="target" position={Position.Right} isConnectable={false} />
    </div>
  );
});
