import { useMemo } from 'react';
import { PRESETS, SEED_RULE_PRESET, TEMPLATE_KINDS, makeTemplate, presetGroups, type TemplateKind } from '../models/presets';
import { designIdentity } from '../app/sameDesign';
import { replaceDesign, runCommand } from '../app/commands';
import { useAppStore } from '../app/store';
import { selectLayers } from '../app/selectors';

const ALL_PRESETS = [...PRESETS, SEED_RULE_PRESET];
/** The published presets by family (newest family first), then the seed document's rule. */
const GROUPS = [...presetGroups(PRESETS), { label: 'Patterns', presets: [SEED_RULE_PRESET] }];
const PRESET_KEYS = new Map(ALL_PRESETS.map((p) => [designIdentity(p.design), p.id]));

const TEMPLATE_LABELS: Record<TemplateKind, string> = {
  attention: 'Pure attention',
  mamba: 'Pure Mamba',
  '1:1': 'Hybrid 1:1',
  '1:3': 'Hybrid 1:3',
  '1:7': 'Hybrid 1:7',
};

/** Presets (published architectures) and templates (at the current width and depth), one click each. */
export function PresetSelect() {
  const design = useAppStore((s) => s.design);
  const nLayers = useAppStore((s) => selectLayers(s).length);
  const current = useMemo(() => PRESET_KEYS.get(designIdentity(design)) ?? '', [design]);
  const load = (value: string) => {
    if (value.startsWith('template:')) {
      const kind = value.slice('template:'.length) as TemplateKind;
      const d = makeTemplate(kind, { dModel: design.dModel, nLayers, vocabSize: design.vocabSize });
      runCommand(replaceDesign, { design: d, label: `Template ${TEMPLATE_LABELS[kind]}` });
    } else {
      const p = ALL_PRESETS.find((x) => x.id === value);
      if (!p) return;
      runCommand(replaceDesign, { design: structuredClone(p.design), label: `Preset ${p.name}` });
    }
    const s = useAppStore.getState();
    s.setSelection([]);
    s.requestFit();
  };
  return (
    <select className="select preset-select" data-testid="preset-select" aria-label="Preset or template" value={current} onChange={(e) => load(e.target.value)}>
      <option value="" disabled>
        {current ? '' : `Custom: ${design.name}`}
      </option>
      {GROUPS.map((g) => (
        <optgroup key={g.label} label={g.label}>
          {g.presets.map((p) => (
            <option key={p.id} value={p.id} title={p.source}>
              {p.name}
            </option>
          ))}
        </optgroup>
      ))}
      <optgroup label={`Templates (d ${design.dModel}, ${nLayers} layers)`}>
        {TEMPLATE_KINDS.map((k) => (
          <option key={k} value={`template:${k}`}>
            {TEMPLATE_LABELS[k]}
          </option>
        ))}
      </optgroup>
    </select>
  );
}
