import { memo } from 'react';
import type { NodeProps } from '@xyflow/react';
import { useAppStore } from '../../app/store';
import type { FrameNodeType } from './graphNodes';

/** The outline behind an expanded group, with its name and a button to collapse it again. */
export const FrameNode = memo(function FrameNode({ data }: NodeProps<FrameNodeType>) {
  const setExpanded = useAppStore((s) => s.setGroupExpanded);
  return (
    <div className="frame-node" onDoubleClick={() => setExpanded({ start: data.start, end: data.start + data.period * data.count }, false)}>
      <span className="frame-title">
        {data.label} × {data.count}
        <button type="button" className="btn nodrag" onClick={() => setExpanded({ start: data.start, end: data.start + data.period * data.count }, false)} aria-label={`Collapse ${data.label}`}>
          ▾ collapse
        </button>
      </span>
    </div>
  );
});
