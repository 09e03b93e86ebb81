import { useEffect, useRef, useState } from 'react';
import { ATTENTION_SIDE_KINDS, RECURRENT_KINDS, dominantAttention, dominantRecurrent, type OtherMixerKind, type RatioOptions } from '../models/patterns';
import { MIXER_SPECS, isAttentionSide, type MixerBlockKind } from '../kinds/specs';
import { applyRatioCommand, commandContext, runCommand } from '../app/commands';
import { useAppStore } from '../app/store';
import { selectLayers } from '../app/selectors';

const QUICK = [
  [1, 1],
  [1, 3],
  [1, 7],
] as const;

interface Draft {
  attn: string;
  other: string;
  nLayers: string;
  placement: RatioOptions['placement'];
  offset: string;
  otherMixer: OtherMixerKind;
  attnMixer: MixerBlockKind;
  moe: boolean;
  moeEvery: string;
  moeOffset: string;
  experts: string;
  topK: string;
  firstDense: string;
}

function draftFromDesign(): Draft {
  const { layers } = commandContext();
  const attn = layers.filter((l) => isAttentionSide(l.mixer.kind)).length;
  const other = layers.length - attn;
  const firstMoe = layers.find((l) => l.ffn.kind === 'moe')?.ffn;
  const moeIdx = layers.map((l, i) => (l.ffn.kind === 'moe' ? i : -1)).filter((i) => i >= 0);
  const every = moeIdx.length >= 2 ? (moeIdx[1] as number) - (moeIdx[0] as number) : 2;
  const g = attn && other ? gcd(attn, other) : 1;
  return {
    attn: String(attn && other ? attn / g : attn ? 1 : 0),
    other: String(attn && other ? other / g : other ? 1 : 0),
    nLayers: String(layers.length),
    placement: 'period',
    offset: '',
    otherMixer: dominantRecurrent(layers),
    attnMixer: dominantAttention(layers),
    moe: !!firstMoe,
    moeEvery: String(every),
    moeOffset: String(moeIdx.length ? (moeIdx[0] as number) % every : 1),
    experts: String(firstMoe?.kind === 'moe' ? firstMoe.nExperts : 16),
    topK: String(firstMoe?.kind === 'moe' ? firstMoe.topK : 2),
    // Layers before the first MoE that the every/offset rule would have made MoE stay dense (Kimi's layer 0).
    firstDense: String(moeIdx.length && (moeIdx[0] as number) > (moeIdx[0] as number) % every ? moeIdx[0] : 0),
  };
}

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}

function toInt(name: string, text: string, min: number): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer ≥ ${min}`);
  return v;
}

/** Builds the applyRatio options from the form, naming the first bad field. */
function optionsFrom(d: Draft): RatioOptions {
  const attn = toInt('attention (a)', d.attn, 0);
  const other = toInt('other (m)', d.other, 0);
  const nLayers = toInt('layers', d.nLayers, 1);
  if (attn + other === 0) throw new RangeError('a + m must be at least 1');
  const o: RatioOptions = { attn, other, nLayers, placement: d.placement, otherMixer: d.otherMixer, attnMixer: d.attnMixer };
  if (d.placement === 'period' && d.offset.trim() !== '') o.offset = toInt('offset', d.offset, 0);
  if (d.moe) {
    o.moe = {
      every: toInt('MoE every', d.moeEvery, 1),
      offset: toInt('MoE offset', d.moeOffset, 0),
      nExperts: toInt('experts', d.experts, 1),
      topK: toInt('top-k', d.topK, 1),
      firstDense: toInt('first dense layers', d.firstDense, 0),
    };
  }
  return o;
}

/** Attention : other ratio, depth, placement and MoE placement; Apply replaces the stack in one undo step. */
export function RatioTool() {
  const [open, setOpen] = useState(false);
  const [d, setD] = useState<Draft>(draftFromDesign);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const summary = useAppStore((s) => {
    const ls = selectLayers(s);
    const a = ls.filter((l) => isAttentionSide(l.mixer.kind)).length;
    const m = ls.length - a;
    const g = a && m ? gcd(a, m) : 1;
    // Composite mixers (a parallel layer, a shared-block call) are on neither side of a ratio.
    if (!a && ls.every((l) => l.mixer.kind === 'none' || MIXER_SPECS[l.mixer.kind].ratioSide === null)) return '—';
    return a && m ? `${a / g}:${m / g}` : a ? 'all attn' : 'no attn';
  });
  useEffect(() => {
    if (!open) return;
    const close = (e: MouseEvent) => {
      if (ref.current && !ref.current.contains(e.target as Node)) setOpen(false);
    };
    const esc = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    window.addEventListener('mousedown', close);
    window.addEventListener('keydown', esc);
    return () => {
      window.removeEventListener('mousedown', close);
      window.removeEventListener('keydown', esc);
    };
  }, [open]);
  const set = (patch: Partial<Draft>) => {
    setD((x) => ({ ...x, ...patch }));
    setError(null);
  };
  const apply = () => {
    let o: RatioOptions;
    try {
      o = optionsFrom(d);
      applyRatioCommand.perform(commandContext(), o);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    const r = runCommand(applyRatioCommand, o);
    if (r && !r.ok) setError(r.issues[0]?.message ?? 'refused');
    else {
      useAppStore.getState().requestFit();
      setOpen(false);
    }
  };
  const n = (label: string, key: keyof Draft, testId?: string, width = 56) => (
    <input
      className="input num"
      style={{ width }}
      aria-label={label}
      data-testid={testId}
      value={d[key] as string}
      inputMode="numeric"
      onChange={(e) => set({ [key]: e.target.value } as Partial<Draft>)}
      onKeyDown={(e) => e.key === 'Enter' && apply()}
    />
  );
  return (
    <div className="popover-anchor" ref={ref}>
      <button
        type="button"
        className="btn"
        aria-expanded={open}
        aria-haspopup="dialog"
        data-testid="ratio-open"
        title="Attention : state-space ratio and placement"
        onClick={() => {
          if (!open) setD(draftFromDesign());
          setOpen(!open);
          setError(null);
        }}
      >
        Ratio <span className="num">{summary}</span> ▾
      </button>
      {open && (
        <div className="popover" role="dialog" aria-label="Ratio and placement" style={{ width: 350 }}>
          <div className="form-grid">
            <label>Attn : other</label>
            <span className="form-row">
              {n('Attention layers per group (a)', 'attn', 'ratio-attn', 44)}
              <span>:</span>
              {n('Other layers per group (m)', 'other', 'ratio-mamba', 44)}
              <span className="seg" role="group" aria-label="Common ratios">
                {QUICK.map(([a, m]) => (
                  <button key={m} type="button" aria-pressed={d.attn === String(a) && d.other === String(m)} onClick={() => set({ attn: String(a), other: String(m) })}>
                    {a}:{m}
                  </button>
                ))}
              </span>
            </span>
            <label>Total layers</label>
            <span className="form-row">{n('Total layers', 'nLayers', 'ratio-layers')}</span>
            <label>Placement</label>
            <span className="form-row">
              <select className="select" aria-label="Placement" value={d.placement} onChange={(e) => set({ placement: e.target.value as Draft['placement'] })}>
                <option value="period">period + offset (Jamba)</option>
                <option value="even">evenly spread</option>
                <option value="every-k">every k-th (seed)</option>
              </select>
              {d.placement === 'period' && (
                <input className="input num" style={{ width: 56 }} aria-label="Offset" placeholder="auto" value={d.offset} onChange={(e) => set({ offset: e.target.value })} />
              )}
            </span>
            <label>Attention mixer</label>
            <select className="select" aria-label="Mixer of the attention layers" data-testid="ratio-attn-kind" value={d.attnMixer} onChange={(e) => set({ attnMixer: e.target.value as MixerBlockKind })}>
              {ATTENTION_SIDE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {MIXER_SPECS[k].style.label}
                </option>
              ))}
            </select>
            <label>Other mixer</label>
            <select className="select" aria-label="Mixer of the non-attention layers" data-testid="ratio-other-kind" value={d.otherMixer} onChange={(e) => set({ otherMixer: e.target.value as OtherMixerKind })}>
              {RECURRENT_KINDS.map((k) => (
                <option key={k} value={k}>
                  {MIXER_SPECS[k].style.label}
                </option>
              ))}
            </select>
            <label>MoE</label>
            <span className="form-row">
              <label className="check">
                <input type="checkbox" checked={d.moe} onChange={(e) => set({ moe: e.target.checked })} /> place MoE
              </label>
            </span>
            {d.moe && (
              <>
                <label>MoE every / offset</label>
                <span className="form-row">
                  {n('MoE every e layers', 'moeEvery', 'ratio-moe-every', 44)}
                  {n('MoE offset', 'moeOffset', 'ratio-moe-offset', 44)}
                </span>
                <label>Experts / top-k</label>
                <span className="form-row">
                  {n('Experts', 'experts', 'ratio-experts', 44)}
                  {n('Top-k', 'topK', 'ratio-topk', 44)}
                </span>
                <label title="The first k layers keep a dense MLP (Kimi, DeepSeek: first_k_dense_replace)">First k dense</label>
                <span className="form-row">{n('First k layers dense', 'firstDense', 'ratio-first-dense', 44)}</span>
              </>
            )}
          </div>
          {error && (
            <div className="field-error" role="alert" style={{ marginTop: 8 }}>
              {error}
            </div>
          )}
          <p className="note">
            Replaces the whole stack in one undoable step. Without “place MoE”, each index keeps its FFN. Period placement puts attention at offset
            ⌊(a+m)/2⌋ by default (Jamba’s 4 for 1:7).
          </p>
          <div className="actions">
            <button type="button" className="btn" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="button" className="btn primary" data-testid="ratio-apply" onClick={apply}>
              Apply
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
