import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import {
  Background,
  BackgroundVariant,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  type Edge,
  type NodeChange,
  type NodeTypes,
  type XYPosition,
} from '@xyflow/react';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../../app/store';
import { insertBlock, moveSelection, replaceBlock, runCommand } from '../../app/commands';
import { BLOCK_KINDS, kindStyle, type BlockKind } from '../kindColors';
import {
  GAP_PX,
  GROUP_HEIGHT_PX,
  IO_HEIGHT_PX,
  LAYER_HEIGHT_PX,
  NODE_WIDTH_PX,
  SHARED_HEIGHT_PX,
  SHARED_WIDTH_PX,
  SHARED_X_PX,
  dropTargetAt,
  groupNodeId,
  layerNodeId,
  layoutGraph,
  reorderTarget,
  isExpanded,
  segmentRange,
  type GraphLayout,
} from './graphModel';
import type { GraphNode } from './graphNodes';
import { LayerNode } from './LayerNode';
import { GroupNode } from './GroupNode';
import { IoNode } from './IoNode';
import { SharedNode } from './SharedNode';
import { FrameNode } from './FrameNode';
import { InsertLineNode } from './InsertLineNode';

/** Node views by type, at module scope so React Flow never sees a new object. */
const nodeTypes = {
  layer: LayerNode,
  layerGroup: GroupNode,
  io: IoNode,
  shared: SharedNode,
  frame: FrameNode,
  insertLine: InsertLineNode,
} satisfies NodeTypes;

/** MIME type of a palette block being dragged. */
export const BLOCK_MIME = 'application/x-hybrid-block';

const FIT_OPTIONS = { padding: 0.12, maxZoom: 1, minZoom: 0.05 } as const;

function chainNodeId(c: GraphLayout['chain'][number]): string {
  return c.type === 'layer' ? layerNodeId(c.index) : groupNodeId(c.segment);
}

/** The explicit layer indices a chain node stands for. */
function indicesOf(layout: GraphLayout, id: string): number[] {
  const c = layout.chain.find((x) => chainNodeId(x) === id);
  if (!c) return [];
  if (c.type === 'layer') return [c.index];
  const n = c.segment.period * c.segment.count;
  return Array.from({ length: n }, (_, k) => c.segment.start + k);
}

/** The y of the insertion line for boundary `at`. */
function insertLineY(layout: GraphLayout, at: number): number {
  for (const c of layout.chain) {
    const first = c.type === 'layer' ? c.index : c.segment.start;
    if (first >= at) return c.y - GAP_PX / 2 - 1;
  }
  const last = layout.chain[layout.chain.length - 1];
  return last ? last.y + last.height + GAP_PX / 2 - 1 : 0;
}

function buildNodes(layout: GraphLayout, selection: ReadonlySet<number>, drag: Record<string, XYPosition>, insertAt: number | null): GraphNode[] {
  const nodes: GraphNode[] = [];
  for (const f of layout.frames) {
    nodes.push({
      id: `frame-${f.segment.start}`,
      type: 'frame',
      position: { x: -14, y: f.y },
      width: NODE_WIDTH_PX + 28,
      height: f.height,
      zIndex: -1,
      selectable: false,
      draggable: false,
      focusable: false,
      data: { label: f.segment.label, count: f.segment.count, period: f.segment.period, start: f.segment.start },
    });
  }
  for (const io of layout.io) {
    nodes.push({
      id: io.id,
      type: 'io',
      position: { x: 0, y: io.y },
      width: NODE_WIDTH_PX,
      height: IO_HEIGHT_PX,
      selectable: false,
      draggable: false,
      data: { title: io.title, detail: io.detail },
    });
  }
  for (const c of layout.chain) {
    const id = chainNodeId(c);
    const position = drag[id] ?? { x: 0, y: c.y };
    if (c.type === 'layer') {
      nodes.push({ id, type: 'layer', position, width: NODE_WIDTH_PX, height: LAYER_HEIGHT_PX, selected: selection.has(c.index), data: { index: c.index } });
    } else {
      const s = c.segment;
      let all = true;
      for (let k = 0; k < s.period * s.count && all; k++) all = selection.has(s.start + k);
      nodes.push({
        id,
        type: 'layerGroup',
        position,
        width: NODE_WIDTH_PX,
        height: GROUP_HEIGHT_PX,
        selected: all,
        data: { start: s.start, period: s.period, count: s.count, label: s.label },
      });
    }
  }
  for (const sh of layout.shared) {
    nodes.push({
      id: sh.id,
      type: 'shared',
      position: drag[sh.id] ?? { x: SHARED_X_PX, y: sh.y - (SHARED_HEIGHT_PX - LAYER_HEIGHT_PX) / 2 },
      width: SHARED_WIDTH_PX,
      height: SHARED_HEIGHT_PX,
      selectable: false,
      data: { blockId: sh.blockId, title: sh.title, detail: sh.detail },
    });
  }
  if (insertAt !== null) {
    nodes.push({
      id: 'insert-line',
      type: 'insertLine',
      position: { x: 0, y: insertLineY(layout, insertAt) },
      width: NODE_WIDTH_PX,
      height: 3,
      zIndex: 1000,
      selectable: false,
      draggable: false,
      focusable: false,
      data: {},
    });
  }
  return nodes;
}

function buildEdges(layout: GraphLayout): Edge[] {
  const ids = ['embedding', ...layout.chain.map(chainNodeId), 'final-norm', 'lm-head'];
  const edges: Edge[] = [];
  for (let i = 1; i < ids.length; i++) {
    edges.push({ id: `e-${ids[i - 1]}-${ids[i]}`, source: ids[i - 1] as string, target: ids[i] as string, type: 'straight', selectable: false, focusable: false });
  }
  const color = kindStyle('shared').color;
  for (const sh of layout.shared) {
    const calls = new Map<string, number>();
    for (const i of sh.callSites) {
      const target = layout.nodeOfLayer[i];
      if (target) calls.set(target, (calls.get(target) ?? 0) + 1);
    }
    for (const [target, n] of calls) {
      edges.push({
        id: `s-${sh.id}-${target}`,
        source: sh.id,
        sourceHandle: 'l',
        target,
        targetHandle: 'r',
        selectable: false,
        focusable: false,
        style: { stroke: color, strokeDasharray: '4 3', strokeWidth: 1.25 },
        ...(n > 1 ? { label: `${n} calls`, labelStyle: { fontSize: 10 }, labelBgStyle: { fill: 'var(--panel)' } } : {}),
      });
    }
  }
  return edges;
}

function pointerOf(e: MouseEvent | TouchEvent | ReactMouseEvent): XYPosition | null {
  if ('clientX' in e) return { x: e.clientX, y: e.clientY };
  const t = e.changedTouches[0];
  return t ? { x: t.clientX, y: t.clientY } : null;
}

function isBlockKind(v: string): v is BlockKind {
  return (BLOCK_KINDS as readonly string[]).includes(v);
}

/**
 * The node graph of the design: embedding → layers (repeated runs collapsed) → final norm → LM head, plus shared
 * blocks wired to their call sites. Drop palette blocks between layers (insert) or onto a layer (replace its mixer
 * or FFN); drag a layer to reorder. Edges follow the order; users never wire by hand.
 */
export function EditorCanvas() {
  const { design, expandedGroups, selection, dropHint, fitRequest, focus } = useAppStore(
    useShallow((s) => ({ design: s.design, expandedGroups: s.expandedGroups, selection: s.selection, dropHint: s.dropHint, fitRequest: s.fitRequest, focus: s.focus })),
  );
  const setSelection = useAppStore((s) => s.setSelection);
  const setDropHint = useAppStore((s) => s.setDropHint);
  const setGroupExpanded = useAppStore((s) => s.setGroupExpanded);
  const { screenToFlowPosition, fitView, fitBounds, setCenter, getZoom } = useReactFlow();
  const layout = useMemo(() => layoutGraph(design, expandedGroups), [design, expandedGroups]);
  const [drag, setDrag] = useState<Record<string, XYPosition>>({});
  // The latest dragged positions, updated synchronously (the rendered ones may lag a frame behind the pointer).
  const dragLatest = useRef<Record<string, XYPosition>>({});
  const selectionSet = useMemo(() => new Set(selection), [selection]);
  const insertAt = dropHint?.type === 'insert' ? dropHint.at : null;
  const nodes = useMemo(() => buildNodes(layout, selectionSet, drag, insertAt), [layout, selectionSet, drag, insertAt]);
  const edges = useMemo(() => buildEdges(layout), [layout]);
  const wrapRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (fitRequest === 0) return;
    const t = requestAnimationFrame(() => void fitView(FIT_OPTIONS));
    return () => cancelAnimationFrame(t);
  }, [fitRequest, fitView]);

  // After a group is expanded, show its first layers at a readable zoom instead of leaving them off-screen.
  const prevExpanded = useRef(expandedGroups);
  const expandingForFocus = useRef(false);
  useEffect(() => {
    const grew = expandedGroups.length > prevExpanded.current.length;
    prevExpanded.current = expandedGroups;
    const range = expandedGroups[expandedGroups.length - 1];
    if (expandingForFocus.current) {
      expandingForFocus.current = false;
      return;
    }
    if (!grew || !range) return;
    const frame = layout.frames.find((f) => f.segment.start <= range.start && range.start < f.segment.start + f.segment.period * f.segment.count);
    if (!frame) return;
    const rows = Math.min(8, range.end - range.start);
    const bounds = { x: -14, y: frame.y, width: NODE_WIDTH_PX + 28, height: 26 + rows * (LAYER_HEIGHT_PX + GAP_PX) };
    const t = requestAnimationFrame(() => void fitBounds(bounds, { padding: 0.08, duration: 200 }));
    return () => cancelAnimationFrame(t);
  }, [expandedGroups, layout, fitBounds]);

  useEffect(() => {
    if (!focus) return;
    const s = layout.segments.find((g) => g.count > 1 && focus.index >= g.start && focus.index < g.start + g.period * g.count);
    if (s && !isExpanded(s, expandedGroups)) {
      expandingForFocus.current = true;
      setGroupExpanded(segmentRange(s), true);
      return; // the layout changes; this effect runs again with the layer drawn
    }
    const c = layout.chain.find((x) => x.type === 'layer' && x.index === focus.index);
    if (c) void setCenter(NODE_WIDTH_PX / 2, c.y + c.height / 2, { zoom: Math.max(getZoom(), 0.9), duration: 250 });
    // Only a new focus request (or the layout it caused) should scroll.
  }, [focus, layout, expandedGroups, setGroupExpanded, setCenter, getZoom]);

  const onNodesChange = useCallback(
    (changes: NodeChange<GraphNode>[]) => {
      let sel: Set<number> | null = null;
      const moved: Record<string, XYPosition> = {};
      for (const ch of changes) {
        if (ch.type === 'select') {
          sel ??= new Set(selection);
          for (const i of indicesOf(layout, ch.id)) {
            if (ch.selected) sel.add(i);
            else sel.delete(i);
          }
        } else if (ch.type === 'position' && ch.dragging && ch.position) {
          moved[ch.id] = ch.position;
        }
      }
      if (sel) setSelection([...sel]);
      if (Object.keys(moved).length) {
        dragLatest.current = { ...dragLatest.current, ...moved };
        setDrag((d) => ({ ...d, ...moved }));
      }
    },
    [layout, selection, setSelection],
  );

  // Where the pointer went down; the drop position is the home position plus the pointer's travel, because React
  // Flow's last position update can trail the final pointer move.
  const pointerDown = useRef<XYPosition | null>(null);

  const onNodeDragStop = useCallback(
    (e: MouseEvent | TouchEvent | ReactMouseEvent, node: GraphNode, dragged: GraphNode[]) => {
      const p = pointerOf(e);
      const home0 = layout.chain.find((c) => chainNodeId(c) === node.id);
      const down = pointerDown.current;
      const latest =
        p && down && home0 ? { x: 0, y: home0.y + (screenToFlowPosition(p).y - screenToFlowPosition(down).y) } : (dragLatest.current[node.id] ?? node.position);
      dragLatest.current = {};
      setDrag({});
      if (node.type !== 'layer' && node.type !== 'layerGroup') return;
      const h = node.type === 'layer' ? LAYER_HEIGHT_PX : GROUP_HEIGHT_PX;
      const ids = new Set((dragged.length ? dragged : [node]).map((n) => n.id));
      const home = layout.chain.find((c) => chainNodeId(c) === node.id);
      if (!home || Math.abs(latest.y - home.y) < (LAYER_HEIGHT_PX + GAP_PX) / 2) return;
      const indices = [...ids].flatMap((id) => indicesOf(layout, id));
      const to = reorderTarget(layout, node.id, latest.y + h / 2);
      runCommand(moveSelection, { indices, to });
    },
    [layout, screenToFlowPosition],
  );

  const onDragOver = useCallback(
    (e: DragEvent) => {
      if (!e.dataTransfer.types.includes(BLOCK_MIME)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const t = dropTargetAt(layout, p.x, p.y);
      const cur = useAppStore.getState().dropHint;
      const same = cur && cur.type === t.type && (t.type === 'insert' ? cur.type === 'insert' && cur.at === t.at : cur.type === 'replace' && cur.index === t.index);
      if (!same) setDropHint(t);
    },
    [layout, screenToFlowPosition, setDropHint],
  );

  const onDragLeave = useCallback(
    (e: DragEvent) => {
      const next = e.relatedTarget as Node | null;
      if (!next || !wrapRef.current?.contains(next)) setDropHint(null);
    },
    [setDropHint],
  );

  const onDrop = useCallback(
    (e: DragEvent) => {
      const kind = e.dataTransfer.getData(BLOCK_MIME);
      setDropHint(null);
      if (!isBlockKind(kind)) return;
      e.preventDefault();
      const p = screenToFlowPosition({ x: e.clientX, y: e.clientY });
      const t = dropTargetAt(layout, p.x, p.y);
      if (t.type === 'insert') runCommand(insertBlock, { kind, at: t.at });
      else runCommand(replaceBlock, { kind, indices: [t.index] });
    },
    [layout, screenToFlowPosition, setDropHint],
  );

  return (
    <div className="canvas-wrap" ref={wrapRef} data-testid="canvas" onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop} onPointerDownCapture={(e) => (pointerDown.current = { x: e.clientX, y: e.clientY })}>
      <ReactFlow<GraphNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        onNodesChange={onNodesChange}
        onNodeDragStop={onNodeDragStop}
        onPaneClick={() => {
          setSelection([]);
          useAppStore.getState().setSelectedShared(null);
        }}
        nodesConnectable={false}
        edgesFocusable={false}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control', 'Shift']}
        fitView
        fitViewOptions={FIT_OPTIONS}
        minZoom={0.05}
        maxZoom={2.5}
        zoomOnDoubleClick={false}
        proOptions={{ hideAttribution: true }}
        aria-label="Design graph"
      >
        <Background variant={BackgroundVariant.Dots} gap={16} size={1} color="var(--dots)" />
        <Controls showInteractive={false} position="bottom-left" />
        <MiniMap pannable zoomable position="bottom-right" style={{ width: 150, height: 100 }} nodeColor={(n) => minimapColor(n as GraphNode)} maskColor="rgba(120,130,140,0.15)" />
      </ReactFlow>
    </div>
  );
}

function minimapColor(n: GraphNode): string {
  if (n.type === 'frame' || n.type === 'insertLine') return 'transparent';
  if (n.type === 'shared') return kindStyle('shared').color;
  if (n.type === 'io') return '#9aa3ad';
  return '#7b8794';
}
