import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { useAppStore } from '../../app/store';
import { kindStyle } from '../kindColors';
import type { SharedNodeType } from './graphNodes';

/** A Zamba-style shared block, drawn once with an edge to each layer that calls it. */
export const SharedNode = memo(function SharedNode({ data, selected }: NodeProps<SharedNodeType>) {
  const s = kindStyle('shared');
  const isOpen = useAppStore((st) => st.selectedShared === data.blockId);
  const open = useAppStore((st) => st.setSelectedShared);
  return (
    <div
      className={`gnode shared${selected || isOpen ? ' selected' : ''}`}
      data-testid="shared-node"
      style={{ borderColor: s.color }}
      onClick={() => open(data.blockId)}
      title="Click to edit the shared block in the inspector"
    >
      <span className="stripe" aria-hidden>
        <i style={{ background: s.color }} />
      </span>
      <span className="kind-badge" style={{ background: s.color }} aria-hidden>
        {s.letter}
      </span>
      <span className="body">
        <span className="title">{data.title}</span>
        <span className="sub">{data.detail}</span>
      </span>
      <Handle id="l" type="source" position={Position.Left} isConnectable={false} />
    </div>
  );
});
