/**
 * Files in and out: export the design as JSON / HF config.json / SVG / PNG, import our JSON or an HF config.json
 * (picker or drop). An import that does not validate shows its issues and leaves the current design unchanged.
 * The HF importers and exporters (src/models/hf, about 100 kB) load on first use, not with the editor.
 */
import type { Design } from '../models/schema';
import { formatIssues } from '../models/validate';
import { layoutGraph } from '../components/canvas/graphModel';
import { DARK_SVG_THEME, LIGHT_SVG_THEME, graphToSvg } from '../components/canvas/graphToSvg';
import { downloadBlob } from '../components/charts/svgExport';
import { replaceDesign, runCommand } from './commands';
import { useAppStore } from './store';

/** A file name made from the design name: letters, digits, dot, dash and underscore only. */
export function fileBaseName(design: Design): string {
  const base = design.name.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return base || 'design';
}

/** Starts a browser download of `blob` as `name` (the one download helper, shared with the chart exports). */
function download(name: string, blob: Blob): void {
  downloadBlob(blob, name);
}

export function exportJson(): void {
  const d = useAppStore.getState().design;
  download(`${fileBaseName(d)}.json`, new Blob([JSON.stringify(d, null, 2) + '\n'], { type: 'application/json' }));
}

/** Exports the HF config.json where the design is expressible; otherwise tells the user why not. */
export async function exportHf(): Promise<void> {
  const { exportHfConfig } = await import('../models/hf');
  const s = useAppStore.getState();
  const r = exportHfConfig(s.design);
  if (!r.ok) {
    s.pushNotice('error', `Cannot export an HF config.json: ${formatIssues(r.issues)}`);
    return;
  }
  download('config.json', new Blob([JSON.stringify(r.value, null, 2) + '\n'], { type: 'application/json' }));
}

function currentSvg(): string {
  const s = useAppStore.getState();
  const dark = document.documentElement.dataset.theme === 'dark';
  return graphToSvg(s.design, layoutGraph(s.design, s.expandedGroups), dark ? DARK_SVG_THEME : LIGHT_SVG_THEME);
}

export function exportSvg(): void {
  const d = useAppStore.getState().design;
  download(`${fileBaseName(d)}.svg`, new Blob([currentSvg()], { type: 'image/svg+xml' }));
}

/** Rasterises the SVG export at 2× for a sharp PNG. */
export async function exportPng(): Promise<void> {
  const s = useAppStore.getState();
  const svg = currentSvg();
  const img = new Image();
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('the SVG could not be rendered'));
      img.src = url;
    });
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = Math.min(16_000, img.width * scale);
    canvas.height = Math.min(32_000, img.height * scale);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2D canvas');
    ctx.scale(canvas.width / img.width, canvas.height / img.height);
    ctx.drawImage(img, 0, 0);
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
    if (!blob) throw new Error('the PNG could not be encoded');
    download(`${fileBaseName(s.design)}.png`, blob);
  } catch (e) {
    s.pushNotice('error', `PNG export failed: ${(e as Error).message}`);
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Largest file accepted for import. */
const MAX_IMPORT_BYTES = 5 * 1024 * 1024;

/**
 * Imports design text (our JSON or an HF config.json) as one undoable step. On failure the issues are shown and
 * the design is unchanged. Returns true when the design was loaded.
 */
export async function importText(text: string, fileName: string): Promise<boolean> {
  const { loadDesignSource } = await import('../models/load');
  const s = useAppStore.getState();
  const r = loadDesignSource(text);
  if (!r.ok) {
    s.pushNotice('error', `${fileName} was not imported; the design is unchanged.\n${formatIssues(r.issues.slice(0, 6))}`);
    return false;
  }
  const done = runCommand(replaceDesign, { design: r.value, label: `Import ${fileName}` });
  if (done && !done.ok) return false;
  useAppStore.getState().requestFit();
  s.pushNotice('info', `Imported ${fileName}${r.kind === 'hf-config' ? ' (Hugging Face config)' : ''}: ${r.value.name}`);
  return true;
}

/** Reads a File and imports it. */
export async function importFile(file: File): Promise<boolean> {
  if (file.size > MAX_IMPORT_BYTES) {
    useAppStore.getState().pushNotice('error', `${file.name} is ${Math.round(file.size / 1024)} KiB; designs larger than 5 MiB are refused. The design is unchanged.`);
    return false;
  }
  return importText(await file.text(), file.name);
}
