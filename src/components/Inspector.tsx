import { useState } from 'react';
import { DTYPES, type Design, type Ffn, type FfnKind, type Mixer, type MixerKind, type SharedBlock } from '../models/schema';
import { validateDesign } from '../models/validate';
import { useShallow } from 'zustand/react/shallow';
import { useAppStore } from '../app/store';
import { selectLayers } from '../app/selectors';
import { commandContext, setFfn, setMixer, type Command } from '../app/commands';
import { placeBlock } from '../app/blockDefaults';
import { BUDGET_PRESETS_GIB } from '../app/slices/uiSlice';
import { FFN_BLOCK_KINDS, MIXER_BLOCK_KINDS, kindStyle, specOf, type MixerBlockKind } from '../kinds/specs';
import { FFN_FIELDS, MIXER_FIELDS } from '../kinds/views';
import { attentionFields } from '../kinds/attention/fields';
import type { FieldSpec } from '../kinds/fieldSpec';
import { CheckField, NumberField, SelectField, issueFor, type TryResult } from './Field';
import { formatInt } from '../sim/cost';

const MIXER_KIND_OPTIONS: { value: MixerKind; label: string }[] = [...MIXER_BLOCK_KINDS, 'none' as const].map((k) => ({
  value: k,
  label: kindStyle(k).label,
}));
const FFN_KIND_OPTIONS: { value: FfnKind; label: string }[] = [...FFN_BLOCK_KINDS, 'none' as const].map((k) => ({
  value: k,
  label: kindStyle(k).label,
}));

/**
 * Tries a new design: with `dryRun` only validates; otherwise commits it as one undo step. Returns the message
 * for the field `key` when the design is refused (the store is then unchanged).
 */
function tryDesign(next: Design, key: string, label: string, dryRun: boolean): TryResult {
  if (dryRun) {
    const r = validateDesign(next);
    return r.ok ? null : issueFor(r.issues, key);
  }
  const s = useAppStore.getState();
  const r = s.commitDesign(next, label, s.selection);
  return r.ok ? null : issueFor(r.issues, key);
}

/** `part` with `key` set to `v`, or without `key` when `v` is undefined (an emptied optional field). */
function withField<T extends object>(part: T, key: string, v: unknown): T {
  const out = { ...part, [key]: v } as Record<string, unknown>;
  if (v === undefined) delete out[key];
  return out as T;
}

function tryCommand<A>(cmd: Command<A>, arg: A, key: string, dryRun: boolean): TryResult {
  let effect;
  try {
    effect = cmd.perform(commandContext(), arg);
  } catch (e) {
    return (e as Error).message;
  }
  if (!effect || effect.kind !== 'edit') return null;
  return tryDesign(effect.design, key, cmd.label(arg), dryRun);
}

/**
 * Tries a field's new value; `issueKey` is the path (relative to the part) whose validation message the field shows,
 * e.g. `branches[1].nKvHeads` for a field of a nested mixer; the field's own key when absent.
 */
type SetField = (key: string, v: unknown, dryRun: boolean, issueKey?: string) => TryResult;

/**
 * The fields of one block (a mixer, an FFN, or a nested mixer of a composite kind), from its kind's `fields.ts`.
 * `testPrefix` prefixes the test ids (`inspector-` for a layer's own fields, `inspector-branches-0-` inside a list).
 */
function PartFields({
  part,
  fields,
  onSet,
  scope,
  testPrefix = 'inspector-',
}: {
  part: Record<string, unknown>;
  fields: readonly FieldSpec[];
  onSet: SetField;
  scope: string;
  testPrefix?: string;
}) {
  return (
    <>
      {fields.map((f) => {
        const v = part[f.key];
        const k = `${scope}-${f.key}`;
        const testId = `${testPrefix}${f.key}`;
        switch (f.type) {
          case 'number':
            return (
              <NumberField
                key={k}
                label={f.label}
                nullable={f.placeholder !== undefined}
                placeholder={f.placeholder}
                value={typeof v === 'number' ? v : null}
                onCommit={(x, dry) => onSet(f.key, x === null ? undefined : x, dry)}
                testId={testId}
              />
            );
          case 'int':
            return (
              <NumberField
                key={k}
                label={f.label}
                value={typeof v === 'number' ? v : null}
                onCommit={(x, dry) => onSet(f.key, x, dry)}
                testId={testId}
              />
            );
          case 'intOrNull':
            return (
              <NumberField
                key={k}
                label={f.label}
                nullable
                placeholder={f.placeholder}
                value={typeof v === 'number' ? v : null}
                onCommit={(x, dry) => onSet(f.key, x, dry)}
                testId={testId}
              />
            );
          case 'intOrAuto':
            return (
              <NumberField
                key={k}
                label={f.label}
                nullable
                placeholder={f.placeholder}
                value={typeof v === 'number' ? v : null}
                onCommit={(x, dry) => onSet(f.key, x === null ? 'auto' : x, dry)}
                testId={testId}
              />
            );
          case 'bool':
            return <CheckField key={k} label={f.label} value={v === true} onCommit={(x) => onSet(f.key, x, false)} testId={testId} />;
          case 'enum':
            return (
              <SelectField
                key={k}
                label={f.label}
                value={String(v)}
                options={f.options.map((o) => ({ value: o, label: o }))}
                onCommit={(x) => onSet(f.key, x, false)}
                testId={testId}
              />
            );
          case 'mixerList':
            return (
              <MixerListField
                key={k}
                spec={f}
                items={Array.isArray(v) ? (v as Mixer[]) : []}
                scope={k}
                testPrefix={`${testId}-`}
                onSetList={(next, dry, issueKey) => onSet(f.key, next, dry, issueKey)}
              />
            );
        }
      })}
    </>
  );
}

/**
 * A composite kind's nested mixers (a parallel layer's branches), each edited with its own kind's fields (the view
 * registry's), with a kind switch, remove and add; the list stays within the field's min and max. Every edit goes
 * through the same validation as any other field, and a refused value shows the message of its nested path.
 */
function MixerListField({
  spec,
  items,
  scope,
  testPrefix,
  onSetList,
}: {
  spec: Extract<FieldSpec, { type: 'mixerList' }>;
  items: readonly Mixer[];
  scope: string;
  testPrefix: string;
  onSetList: (next: Mixer[], dryRun: boolean, issueKey: string) => TryResult;
}) {
  const design = useAppStore((s) => s.design);
  const [error, setError] = useState<string | null>(null);
  const kinds = MIXER_BLOCK_KINDS.filter((k) => (spec.groups as readonly string[]).includes(specOf(k).group));
  const options = kinds.map((k) => ({ value: k, label: kindStyle(k).label }));
  const fresh = (kind: MixerBlockKind): Mixer => (placeBlock(design, kind).mixer ?? { kind: 'none' }) as Mixer;
  const replace = (i: number, item: Mixer) => items.map((b, j) => (j === i ? item : b));
  const structural = (next: Mixer[]) => setError(onSetList(next, false, spec.key));
  return (
    <>
      <div className="mixer-list" role="group" aria-label={spec.label} data-testid={`${testPrefix}list`}>
        {items.map((item, i) => {
          const st = kindStyle(item.kind);
          const at = `${spec.key}[${i}]`;
          return (
            <div className="mixer-list-item settings" key={`${scope}-${i}-${item.kind}`} data-testid={`${testPrefix}${i}`}>
              <span className="mixer-list-head">
                <span className="kind-badge" style={{ background: st.color, color: st.ink }} aria-hidden>
                  {st.letter}
                </span>
                <span className="title">
                  {spec.itemLabel} {i + 1}
                </span>
                <button
                  type="button"
                  className="btn icon"
                  aria-label={`Remove ${spec.itemLabel.toLowerCase()} ${i + 1}`}
                  title={items.length <= spec.min ? `At least ${spec.min} ${spec.label.toLowerCase()}` : 'Remove'}
                  disabled={items.length <= spec.min}
                  data-testid={`${testPrefix}${i}-remove`}
                  onClick={() => structural(items.filter((_, j) => j !== i))}
                >
                  ×
                </button>
              </span>
              <SelectField
                label="Kind"
                value={item.kind}
                options={options}
                onCommit={(kind) => onSetList(replace(i, fresh(kind as MixerBlockKind)), false, `${at}.kind`)}
                testId={`${testPrefix}${i}-kind`}
              />
              <PartFields
                scope={`${scope}-${i}-${item.kind}`}
                part={item as unknown as Record<string, unknown>}
                fields={item.kind === 'none' ? [] : MIXER_FIELDS[item.kind]}
                testPrefix={`${testPrefix}${i}-`}
                onSet={(key, v, dry, issueKey) => onSetList(replace(i, { ...item, [key]: v } as Mixer), dry, `${at}.${issueKey ?? key}`)}
              />
            </div>
          );
        })}
      </div>
      <label>Add</label>
      <select
        className="select nodrag"
        aria-label={`Add to ${spec.label.toLowerCase()}`}
        value=""
        disabled={items.length >= spec.max}
        title={items.length >= spec.max ? `At most ${spec.max} ${spec.label.toLowerCase()}` : undefined}
        data-testid={`${testPrefix}add`}
        onChange={(e) => e.target.value && structural([...items, fresh(e.target.value as MixerBlockKind)])}
      >
        <option value="">{items.length >= spec.max ? `at most ${spec.max}` : `add a ${spec.itemLabel.toLowerCase()}…`}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </>
  );
}

/** The selected shared block: its attention and FFN, edited for every call site at once. */
function SharedBlockInspector({ id }: { id: string }) {
  const design = useAppStore((s) => s.design);
  const calls = useAppStore((s) => selectLayers(s).filter((l) => l.mixer.kind === 'shared' && l.mixer.blockId === id).length);
  const block = design.sharedBlocks.find((b) => b.id === id);
  if (!block) return <p className="inspector-empty">The shared block “{id}” is no longer in the design.</p>;
  const setBlock = (patch: Partial<SharedBlock>, key: string, dry: boolean) =>
    tryDesign({ ...design, sharedBlocks: design.sharedBlocks.map((b) => (b.id === id ? { ...b, ...patch } : b)) }, key, `Edit shared block ${id}`, dry);
  const ffnOptions = FFN_KIND_OPTIONS.filter((o) => o.value !== 'none');
  return (
    <>
      <div className="inspector-head">
        <span className="kind-badge" style={{ background: kindStyle('shared').color, color: kindStyle('shared').ink }} aria-hidden>
          {kindStyle('shared').letter}
        </span>
        <span className="title">Shared block “{id}”</span>
        <span className="strip-count">{calls} calls · stored once</span>
      </div>
      <div className="settings" data-testid="shared-inspector">
        <PartFields
          scope={`shared-${id}-attn`}
          part={block.attention as unknown as Record<string, unknown>}
          fields={attentionFields}
          onSet={(key, v, dry, issueKey) => setBlock({ attention: withField(block.attention, key, v) }, issueKey ?? key, dry)}
        />
        <SelectField
          label="FFN"
          value={block.ffn.kind}
          options={ffnOptions}
          onCommit={(k) => setBlock({ ffn: (placeBlock(design, k as 'mlp' | 'moe').ffn ?? block.ffn) as SharedBlock['ffn'] }, 'kind', false)}
        />
        <PartFields
          scope={`shared-${id}-ffn-${block.ffn.kind}`}
          part={block.ffn as unknown as Record<string, unknown>}
          fields={FFN_FIELDS[block.ffn.kind]}
          onSet={(key, v, dry, issueKey) => setBlock({ ffn: withField(block.ffn, key, v) }, issueKey ?? key, dry)}
        />
        <CheckField label="Concat embedding" value={block.concatEmbedding} onCommit={(v) => setBlock({ concatEmbedding: v }, 'concatEmbedding', false)} />
        <CheckField label="Per-call linear" value={block.perCallLinear} onCommit={(v) => setBlock({ perCallLinear: v }, 'perCallLinear', false)} />
      </div>
    </>
  );
}

function LayerInspector() {
  const selection = useAppStore((s) => s.selection);
  const layers = useAppStore(selectLayers);
  const design = useAppStore((s) => s.design);
  const first = selection[0];
  const layer = first === undefined ? undefined : layers[first];
  if (first === undefined || !layer) {
    return (
      <p className="inspector-empty">
        Select a layer (click a node or a cell of the pattern strip) to edit its mixer and FFN. Shift-click or drag a box to select several.
      </p>
    );
  }
  const scope = `${selection.join(',')}`;
  const mixed = selection.some((i) => layers[i]?.mixer.kind !== layer.mixer.kind || layers[i]?.ffn.kind !== layer.ffn.kind);
  const setMixerKind = (kind: MixerKind): TryResult => {
    const placed = kind === 'none' ? null : placeBlock(design, kind);
    const mixer: Mixer = placed?.mixer ?? { kind: 'none' };
    if (placed?.addSharedBlock) {
      // The kind needs a design-level block first (Zamba's shared block): add it in the same undo step.
      const withBlock = { ...design, sharedBlocks: [...design.sharedBlocks, placed.addSharedBlock] };
      const effect = setMixer.perform({ ...commandContext(), design: withBlock }, { indices: selection, mixer });
      return effect && effect.kind === 'edit' ? tryDesign(effect.design, 'kind', `Set ${kindStyle(kind as MixerBlockKind).label}`, false) : null;
    }
    return tryCommand(setMixer, { indices: selection, mixer }, 'kind', false);
  };
  const setFfnKind = (kind: FfnKind): TryResult => {
    const ffn: Ffn = kind === 'none' ? { kind: 'none' } : (placeBlock(design, kind).ffn as Ffn);
    return tryCommand(setFfn, { indices: selection, ffn }, 'kind', false);
  };
  const m = layer.mixer;
  const f = layer.ffn;
  const shared = m.kind === 'shared' ? design.sharedBlocks.find((b) => b.id === m.blockId) : undefined;
  return (
    <>
      <div className="inspector-head">
        <span className="kind-badge" style={{ background: kindStyle(m.kind).color, color: kindStyle(m.kind).ink }} aria-hidden>
          {kindStyle(m.kind).letter}
        </span>
        <span className="title">{selection.length === 1 ? `Layer ${first}` : `${selection.length} layers`}</span>
        {selection.length > 1 && <span className="strip-count">{mixed ? 'mixed kinds: edits apply to all' : 'edits apply to all'}</span>}
      </div>
      <div className="settings" data-testid="inspector">
        <SelectField label="Mixer" value={m.kind} options={MIXER_KIND_OPTIONS} onCommit={setMixerKind} testId="inspector-mixer-kind" />
        <PartFields
          scope={`${scope}-m-${m.kind}`}
          part={m as unknown as Record<string, unknown>}
          fields={m.kind === 'none' ? [] : MIXER_FIELDS[m.kind]}
          onSet={(key, v, dry, issueKey) => tryCommand(setMixer, { indices: selection, mixer: withField(m, key, v) }, issueKey ?? key, dry)}
        />
        {m.kind === 'shared' && (
          <>
            <label>Block</label>
            <span className="mono">
              {m.blockId}
              {shared ? ` · attn ${shared.attention.nHeads}×${shared.attention.headDim}` : ''}
            </span>
          </>
        )}
        <SelectField label="FFN" value={f.kind} options={FFN_KIND_OPTIONS} onCommit={setFfnKind} testId="inspector-ffn-kind" />
        <PartFields
          scope={`${scope}-f-${f.kind}`}
          part={f as unknown as Record<string, unknown>}
          fields={f.kind === 'none' ? [] : FFN_FIELDS[f.kind]}
          onSet={(key, v, dry, issueKey) => tryCommand(setFfn, { indices: selection, ffn: withField(f, key, v) }, issueKey ?? key, dry)}
        />
      </div>
    </>
  );
}

const SEQ_LENS = [4096, 32768, 131072, 262144, 1048576] as const;
const GiB = 1024 ** 3;

function GlobalSettings() {
  const design = useAppStore((s) => s.design);
  const { seqLen, budgetBytes, costDtype } = useAppStore(
    useShallow((s) => ({
      seqLen: s.seqLen,
      budgetBytes: s.budgetBytes,
      costDtype: s.costDtype,
    })),
  );
  const setSeqLen = useAppStore((s) => s.setSeqLen);
  const setBudget = useAppStore((s) => s.setBudgetBytes);
  const setCostDtype = useAppStore((s) => s.setCostDtype);
  const setTop = (key: 'dModel' | 'vocabSize' | 'maxContext', v: number | null, dry: boolean) =>
    tryDesign({ ...design, [key]: v ?? Number.NaN }, key, `Set ${key}`, dry);
  const budgetGiB = budgetBytes / GiB;
  const budgetPreset = (BUDGET_PRESETS_GIB as readonly number[]).includes(budgetGiB) ? String(budgetGiB) : 'custom';
  return (
    <div className="settings" data-testid="global-settings">
      <label htmlFor="design-name">Name</label>
      <input
        id="design-name"
        key={`name-${design.name}`}
        className="input"
        defaultValue={design.name}
        onBlur={(e) => {
          const name = e.target.value.trim();
          if (name && name !== design.name) tryDesign({ ...design, name }, 'name', 'Rename', false);
          else e.target.value = design.name;
        }}
        onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
      />
      <NumberField
        key={`d-${design.dModel}`}
        label="d_model"
        value={design.dModel}
        onCommit={(v, dry) => setTop('dModel', v, dry)}
        testId="setting-dModel"
      />
      <NumberField
        key={`v-${design.vocabSize}`}
        label="Vocabulary"
        value={design.vocabSize}
        onCommit={(v, dry) => setTop('vocabSize', v, dry)}
        testId="setting-vocab"
      />
      <SelectField
        label="Cost dtype"
        value={costDtype ?? 'design'}
        options={[{ value: 'design', label: `as design (${design.dtype})` }, ...DTYPES.map((d) => ({ value: d, label: d }))]}
        onCommit={(v) => {
          setCostDtype(v === 'design' ? null : (v as (typeof DTYPES)[number]));
          return null;
        }}
        testId="setting-dtype"
      />
      <SelectField
        label="Seq length L"
        value={String(seqLen)}
        options={[...new Set([...SEQ_LENS, seqLen])]
          .sort((a, b) => a - b)
          .map((n) => ({
            value: String(n),
            label: `${formatInt(n)} tokens`,
          }))}
        onCommit={(v) => {
          setSeqLen(Number(v));
          return null;
        }}
        testId="setting-seqlen"
      />
      <NumberField
        key={`L-${seqLen}`}
        label="Custom L"
        value={seqLen}
        onCommit={(v, dry) => {
          if (v === null || !Number.isInteger(v) || v < 1 || v > 1 << 30) return 'L must be an integer from 1 to 1,073,741,824';
          if (!dry) setSeqLen(v);
          return null;
        }}
      />
      <SelectField
        label="Memory budget"
        value={budgetPreset}
        options={[
          ...BUDGET_PRESETS_GIB.map((g) => ({
            value: String(g),
            label: `${g} GiB`,
          })),
          { value: 'custom', label: 'custom…' },
        ]}
        onCommit={(v) => {
          if (v !== 'custom') setBudget(Number(v) * GiB);
          return null;
        }}
        testId="setting-budget"
      />
      <NumberField
        key={`b-${budgetBytes}`}
        label="Budget GiB"
        value={Math.round(budgetGiB * 100) / 100}
        onCommit={(v, dry) => {
          if (v === null || !(v > 0) || v > 1e6) return 'budget must be a positive number of GiB';
          if (!dry) setBudget(v * GiB);
          return null;
        }}
      />
    </div>
  );
}

/** The right-hand inspector: the selected layers' parameters, then the design-wide settings. */
function InspectorBody() {
  const shared = useAppStore((s) => s.selectedShared);
  return shared ? <SharedBlockInspector id={shared} /> : <LayerInspector />;
}

export function Inspector() {
  return (
    <>
      <section className="inspector-section" aria-label="Inspector">
        <div className="panel-title">Inspector</div>
        <InspectorBody />
      </section>
      <section className="inspector-section" aria-label="Design settings">
        <div className="panel-title">Design</div>
        <GlobalSettings />
      </section>
    </>
  );
}
