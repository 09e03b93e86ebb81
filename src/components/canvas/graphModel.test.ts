import { describe, expect, it } from 'vitest';
import { expandLayers, type Design } from '../../models/schema';
import { getPreset, PRESETS } from '../../models/presets';
import { dropTargetAt, layoutGraph, reorderTarget, segmentLayers, GAP_PX } from './graphModel';

const preset = (id: string): Design => getPreset(id)!.design;

describe('segmentLayers', () => {
  it.each(PRESETS.map((p) => [p.id, p.design] as const))('%s: segments cover every layer once, in order, and repeat exactly', (_id, d) => {
    const layers = expandLayers(d.layers);
    const segs = segmentLayers(d, layers);
    let next = 0;
    for (const s of segs) {
      expect(s.start).toBe(next);
      for (let r = 1; r < s.count; r++)
        for (let j = 0; j < s.period; j++) expect(layers[s.start + r * s.period + j]).toEqual(layers[s.start + j]);
      next += s.period * s.count;
    }
    expect(next).toBe(layers.length);
  });

  it('collapses Jamba-v0.1 to one "Jamba block × 4" of 8 layers', () => {
    const segs = segmentLayers(preset('jamba-v0.1'));
    expect(segs).toEqual([{ start: 0, period: 8, count: 4, label: 'Jamba block' }]);
  });

  it('keeps short or irregular runs as single layers', () => {
    const d = preset('llama-2-7b');
    const layers = expandLayers(d.layers);
    const mixed = { ...d, layers: [layers[0]!, { ...layers[0]!, ffn: { kind: 'none' as const } }] };
    expect(segmentLayers(mixed).map((s) => s.count)).toEqual([1, 1]);
  });
});

describe('layout and drop targets', () => {
  const d = preset('stripedhyena-7b');
  const open = layoutGraph(d, [{ start: 0, end: 32 }]);
  const closed = layoutGraph(d, []);

  it('draws one node per layer when expanded, one group node when collapsed', () => {
    expect(open.chain.filter((c) => c.type === 'layer')).toHaveLength(32);
    expect(closed.chain).toHaveLength(1);
    expect(closed.nodeOfLayer.every((id) => id === 'group-0')).toBe(true);
  });

  it('maps the middle of a layer to replace and the gaps to insert', () => {
    const c = open.chain[5]!;
    expect(dropTargetAt(open, 10, c.y + c.height / 2)).toEqual({ type: 'replace', index: 5 });
    expect(dropTargetAt(open, 10, c.y - GAP_PX / 2 + 1)).toEqual({ type: 'insert', at: 5 });
    expect(dropTargetAt(open, 10, c.y + c.height + 2)).toEqual({ type: 'insert', at: 6 });
    expect(dropTargetAt(open, 10, -100)).toEqual({ type: 'insert', at: 0 });
    expect(dropTargetAt(open, 10, open.height + 100)).toEqual({ type: 'insert', at: 32 });
    const g = closed.chain[0]!;
    expect(dropTargetAt(closed, 10, g.y + 2)).toEqual({ type: 'insert', at: 0 });
    expect(dropTargetAt(closed, 10, g.y + g.height - 2)).toEqual({ type: 'insert', at: 32 });
  });

  it('turns a dragged centre into the boundary it passed', () => {
    const c3 = open.chain[3]!;
    expect(reorderTarget(open, 'layer-0', c3.y + c3.height * 0.75)).toBe(4);
    expect(reorderTarget(open, 'layer-5', -50)).toBe(0);
  });

  it('wires the Zamba shared block to its 13 call sites', () => {
    const z = layoutGraph(preset('zamba-7b'), [{ start: 0, end: 1000 }]);
    expect(z.shared).toHaveLength(1);
    expect(z.shared[0]!.callSites).toHaveLength(13);
  });
});
