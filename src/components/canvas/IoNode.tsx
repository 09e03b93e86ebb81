import { memo } from 'react';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { IoNodeType } from './graphNodes';

/** Embedding, final norm and LM head: fixed ends of the stack. */
export const IoNode = memo(function IoNode({ data }: NodeProps<IoNodeType>) {
  return (
    <div className="gnode io" data-testid="io-node">
      <Handle type="target" position={Position.Top} isConnectable={false} />
      <span className="title">{data.title}</span>
      <span className="sub">{data.detail}</span>
      <Handle type="source" position={Position.Bottom} isConnectable={false} />
    </div>
  );
});
