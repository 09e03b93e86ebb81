/**
 * A small SVG serializer for the design graph: draws the same layout the canvas shows (embedding → layers / groups
 * → final norm → LM head, shared blocks with their call edges) as a standalone SVG document. The PNG export
 * rasterises this SVG, so both exports look alike and need no DOM capture library.
 */
import type { Design } from '../../models/schema';
import { kindStyle } from '../kindColors';
import { isSparseFfn } from '../../kinds/specs';
import {
  IO_HEIGHT_PX,
  NODE_WIDTH_PX,
  SHARED_HEIGHT_PX,
  SHARED_WIDTH_PX,
  SHARED_X_PX,
  describeLayer,
  mixerLetter,
  type GraphLayout,
} from './graphModel';

/** Colours of the exported picture (light by default; the dark theme passes its own). */
export interface SvgTheme {
  background: string;
  node: string;
  ioNode: string;
  border: string;
  text: string;
  muted: string;
  edge: string;
}

export const LIGHT_SVG_THEME: SvgTheme = { background: '#ffffff', node: '#ffffff', ioNode: '#f1f3f5', border: '#c3c9d1', text: '#1d2127', muted: '#5b6470', edge: '#9aa3ad' };
export const DARK_SVG_THEME: SvgTheme = { background: '#14181c', node: '#1d2228', ioNode: '#1f242a', border: '#3a424c', text: '#e6e9ed', muted: '#a3abb5', edge: '#5c6670' };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const FONT = "font-family='system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif'";
const MONO = "font-family='ui-monospace, Menlo, Consolas, DejaVu Sans Mono, monospace'";

/** The SVG document (UTF-8 text) of a laid-out design. */
export function graphToSvg(design: Design, layout: GraphLayout, theme: SvgTheme = LIGHT_SVG_THEME): string {
  const pad = 24;
  const titleH = 28;
  const right = layout.shared.length ? SHARED_X_PX + SHARED_WIDTH_PX : NODE_WIDTH_PX;
  const width = right + 2 * pad;
  const height = layout.height + 2 * pad + titleH;
  const out: string[] = [];
  out.push(`<svg xmlns='http://www.w3.org/2000/svg' width='${width}' height='${height}' viewBox='0 0 ${width} ${height}'>`);
  out.push(`<rect width='100%' height='100%' fill='${theme.background}'/>`);
  out.push(`<text x='${pad}' y='${pad + 4}' ${FONT} font-size='14' font-weight='600' fill='${theme.text}'>${esc(design.name)}</text>`);
  out.push(`<g transform='translate(${pad},${pad + titleH})'>`);
  const cx = NODE_WIDTH_PX / 2;
  // Chain edges: one vertical line through the stack, drawn first so nodes cover it.
  out.push(`<line x1='${cx}' y1='0' x2='${cx}' y2='${layout.height}' stroke='${theme.edge}' stroke-width='1.5'/>`);
  for (const f of layout.frames) {
    out.push(`<rect x='-14' y='${f.y}' width='${NODE_WIDTH_PX + 28}' height='${f.height}' rx='10' fill='none' stroke='${theme.border}' stroke-dasharray='4 3'/>`);
    out.push(`<text x='-4' y='${f.y + 14}' ${FONT} font-size='11' fill='${theme.muted}'>${esc(`${f.segment.label} × ${f.segment.count}`)}</text>`);
  }
  const sharedColor = kindStyle('shared').color;
  for (const sh of layout.shared) {
    const sy = sh.y + SHARED_HEIGHT_PX / 2 - (SHARED_HEIGHT_PX - 46) / 2;
    const seen = new Set<number>();
    for (const i of sh.callSites) {
      const c = layout.chain.find((x) => (x.type === 'layer' ? x.index === i : i >= x.segment.start && i < x.segment.start + x.segment.period * x.segment.count));
      if (!c || seen.has(c.y)) continue;
      seen.add(c.y);
      const ty = c.y + c.height / 2;
      out.push(`<path d='M${SHARED_X_PX} ${sy} C ${SHARED_X_PX - 50} ${sy}, ${NODE_WIDTH_PX + 50} ${ty}, ${NODE_WIDTH_PX} ${ty}' fill='none' stroke='${sharedColor}' stroke-width='1.2' stroke-dasharray='4 3'/>`);
    }
  }
  for (const io of layout.io) {
    out.push(`<rect x='0' y='${io.y}' width='${NODE_WIDTH_PX}' height='${IO_HEIGHT_PX}' rx='6' fill='${theme.ioNode}' stroke='${theme.border}' stroke-dasharray='4 2'/>`);
    out.push(`<text x='${cx}' y='${io.y + 15}' text-anchor='middle' ${FONT} font-size='12' font-weight='600' fill='${theme.text}'>${esc(io.title)}</text>`);
    out.push(`<text x='${cx}' y='${io.y + 28}' text-anchor='middle' ${MONO} font-size='10' fill='${theme.muted}'>${esc(io.detail)}</text>`);
  }
  for (const c of layout.chain) {
    const h = c.height;
    out.push(`<rect x='0' y='${c.y}' width='${NODE_WIDTH_PX}' height='${h}' rx='6' fill='${theme.node}' stroke='${theme.border}'/>`);
    if (c.type === 'layer') {
      const l = layout.layers[c.index];
      if (!l) continue;
      const mk = kindStyle(l.mixer.kind);
      out.push(`<rect x='0' y='${c.y}' width='6' height='${h / 2}' fill='${mk.color}'/>`);
      out.push(`<rect x='0' y='${c.y + h / 2}' width='6' height='${h / 2}' fill='${kindStyle(l.ffn.kind).color}'/>`);
      out.push(`<text x='32' y='${c.y + h / 2 + 4}' text-anchor='end' ${MONO} font-size='10' fill='${theme.muted}'>${c.index}</text>`);
      out.push(`<rect x='38' y='${c.y + h / 2 - 10}' width='20' height='20' rx='4' fill='${mk.color}'/>`);
      out.push(`<text x='48' y='${c.y + h / 2 + 4}' text-anchor='middle' ${MONO} font-size='11' font-weight='700' fill='${mk.ink}'>${esc(mk.letter)}</text>`);
      const [a, b] = describeLayer(l).split(' · ');
      out.push(`<text x='66' y='${c.y + 19}' ${FONT} font-size='12' font-weight='600' fill='${theme.text}'>${esc(a ?? '')}</text>`);
      out.push(`<text x='66' y='${c.y + 34}' ${FONT} font-size='11' fill='${theme.muted}'>${esc(b ?? 'no FFN')}</text>`);
    } else {
      const s = c.segment;
      const block = layout.layers.slice(s.start, s.start + s.period);
      block.forEach((l, k) => {
        out.push(`<rect x='0' y='${c.y + (k * h) / block.length}' width='6' height='${h / block.length}' fill='${kindStyle(l.mixer.kind).color}'/>`);
        out.push(`<rect x='${66 + k * 10}' y='${c.y + 42}' width='8' height='8' rx='1' fill='${kindStyle(l.mixer.kind).color}'${isSparseFfn(l.ffn.kind) ? ` stroke='${kindStyle(l.ffn.kind).color}' stroke-width='2'` : ''}/>`);
      });
      out.push(`<text x='32' y='${c.y + 20}' text-anchor='end' ${MONO} font-size='10' fill='${theme.muted}'>${s.start}</text>`);
      out.push(`<text x='66' y='${c.y + 18}' ${FONT} font-size='12' font-weight='600' fill='${theme.text}'>${esc(`${s.label} × ${s.count}`)}</text>`);
      out.push(`<text x='66' y='${c.y + 33}' ${FONT} font-size='11' fill='${theme.muted}'>${esc(`${s.period * s.count} layers · ${block.map(mixerLetter).join('')}`)}</text>`);
    }
  }
  for (const sh of layout.shared) {
    const y = sh.y - (SHARED_HEIGHT_PX - 46) / 2;
    out.push(`<rect x='${SHARED_X_PX}' y='${y}' width='${SHARED_WIDTH_PX}' height='${SHARED_HEIGHT_PX}' rx='6' fill='${theme.node}' stroke='${sharedColor}'/>`);
    out.push(`<rect x='${SHARED_X_PX}' y='${y}' width='6' height='${SHARED_HEIGHT_PX}' fill='${sharedColor}'/>`);
    out.push(`<text x='${SHARED_X_PX + 14}' y='${y + 22}' ${FONT} font-size='12' font-weight='600' fill='${theme.text}'>${esc(sh.title)}</text>`);
    out.push(`<text x='${SHARED_X_PX + 14}' y='${y + 39}' ${FONT} font-size='11' fill='${theme.muted}'>${esc(sh.detail)}</text>`);
  }
  out.push('</g></svg>');
  return out.join('\n');
}
