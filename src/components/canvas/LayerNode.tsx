import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useAppStore } from '../../app/store';
import { selectDesignCost, selectLayers } from '../../app/selectors';
import { kindStyle } from '../kindColors';
import { describeLayer } from './graphModel';
import type { LayerNodeType } from './graphNodes';
import { selectLayerTimes } from '../../app/layerTimes';
import { describeLayerTime } from './layerTimeText';
import './heat.css';

/** Percentage with one decimal, for a layer's share of the design's parameters. */
export function formatShare(part: number, total: number): string {
  if (!(total > 0)) return '–';
  const p = (100 * part) / total;
  return p > 0 && p < 0.1 ? '<0.1%' : `${p.toFixed(1)}%`;
}

/** One decoder layer: index, mixer and FFN (colour stripe + letters + text) and its share of the parameters. */
export const LayerNode = memo(function LayerNode({ data, selected }: NodeProps<LayerNodeType>) {
  const index = data.index;
  const layer = useAppStore((s) => selectLayers(s)[index]);
  const share = useAppStore((s) => {
    const c = selectDesignCost(s);
    return (c.layers[index]?.params ?? 0) / c.params.total;
  });
  const isDropTarget = useAppStore((s) => s.dropHint?.type === 'replace' && s.dropHint.index === index);
  // Shading by share of decode / prefill time (Hardware tab), with the layer's roofline in the tooltip.
  const times = useAppStore(selectLayerTimes);
  const time = times?.layers[index];
  if (!layer) return null;
  const mixer = kindStyle(layer.mixer.kind);
  const ffn = kindStyle(layer.ffn.kind);
  const text = describeLayer(layer);
  const [mixerText, ffnText] = text.split(' · ');
  return (
    <div
      className={`gnode${selected ? ' selected' : ''}${isDropTarget ? ' drop-replace' : ''}${time ? ' heat' : ''}`}
      data-testid="layer-node"
      data-index={index}
      data-mixer={layer.mixer.kind}
      data-ffn={layer.ffn.kind}
      data-time-share={time ? time.share : undefined}
      style={time && times ? ({ '--heat': times.maxShare > 0 ? time.share / times.maxShare : 0 } as React.CSSProperties) : undefined}
      title={`Layer ${index}: ${text}${time && times ? `\n${describeLayerTime(times, time)}` : ''}`}
    >
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="stripe" aria-hidden>
        <i style={{ background: mixer.color }} />
        <i style={{ background: ffn.color }} />
      </span>
      <span className="idx">{index}</span>
      <span className="kind-badge" style={{ background: mixer.color, color: mixer.ink }} aria-hidden>
        {mixer.letter}
      </span>
      <span className="body">
        <span className="title">{mixerText}</span>
        <span className="sub">{ffnText ?? 'no FFN'}</span>
      </span>
      {time && times ? (
        <span className="share" title={`Share of the ${times.phase} time on ${times.gpus} × ${times.hardwareName}`}>
          {formatShare(time.share, 1)} {times.phase === 'decode' ? 'dec' : 'pre'}
        </span>
      ) : (
        <span className="share" title="Share of the design's stored parameters">
          {formatShare(share, 1)}
        </span>
      )}
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
      <Handle id="r" type="target" position={Position.Right} isConnectable={false} />
    </div>
  );
});
