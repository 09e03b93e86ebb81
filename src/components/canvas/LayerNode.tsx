import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useAppStore } from '../../app/store';
import { selectDesignCost, selectLayers } from '../../app/selectors';
import { kindStyle } from '../kindColors';
import { describeLayer } from './graphModel';
import type { LayerNodeType } from './graphNodes';

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
  if (!layer) return null;
  const mixer = kindStyle(layer.mixer.kind);
  const ffn = kindStyle(layer.ffn.kind);
  const text = describeLayer(layer);
  const [mixerText, ffnText] = text.split(' · ');
  return (
    <div
      className={`gnode${selected ? ' selected' : ''}${isDropTarget ? ' drop-replace' : ''}`}
      data-testid="layer-node"
      data-index={index}
      data-mixer={layer.mixer.kind}
      data-ffn={layer.ffn.kind}
      title={`Layer ${index}: ${text}`}
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
      <span className="share" title="Share of the design's stored parameters">
        {formatShare(share, 1)}
      </span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
      <Handle id="r" type="target" position={Position.Right} isConnectable={false} />
    </div>
  );
});
