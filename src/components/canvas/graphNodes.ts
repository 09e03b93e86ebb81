/** The node and edge types the canvas draws (typed React Flow nodes, `Node<Data, 'type'>`). */
import type { Node } from '@xyflow/react';

export type LayerNodeType = Node<{ index: number }, 'layer'>;
export type GroupNodeType = Node<{ start: number; period: number; count: number; label: string }, 'layerGroup'>;
export type IoNodeType = Node<{ title: string; detail: string }, 'io'>;
export type SharedNodeType = Node<{ blockId: string; title: string; detail: string }, 'shared'>;
export type FrameNodeType = Node<{ label: string; count: number; period: number; start: number }, 'frame'>;
export type InsertLineNodeType = Node<Record<string, never>, 'insertLine'>;

export type GraphNode = LayerNodeType | GroupNodeType | IoNodeType | SharedNodeType | FrameNodeType | InsertLineNodeType;
