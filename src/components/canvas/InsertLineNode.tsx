import { memo } from 'react';

/** The insertion line shown where a dragged palette block would be inserted. */
export const InsertLineNode = memo(function InsertLineNode() {
  return <div className="insert-line" data-testid="insert-line" style={{ top: 0 }} />;
});
