import { describe, expect, it } from 'vitest';
import { FORMAT } from '../../models/schema';
import { validateDesign } from '../../models/validate';
import { MIXER_SPECS, mixerSpecList } from '../specs';
import { branchSpecsOf, falconMamba2, type ParallelMixer } from './spec';

const spec = MIXER_SPECS.parallel;
const doc = (mixer: unknown, dModel = 256) => ({ format: FORMAT, name: 't', vocabSize: 100, dModel, maxContext: 4096, layers: [{ mixer, ffn: { kind: 'none' } }] });
const att = { kind: 'attention', nHeads: 4, nKvHeads: 2, headDim: 64 };
const m2 = { kind: 'mamba2', dState: 16, headDim: 64, nGroups: 1, dConv: 4, expand: 2 };
const issues = (mixer: unknown, dModel?: number) => {
  const r = validateDesign(doc(mixer, dModel));
  return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
};

describe('parallel spec', () => {
  it('is a composite mixer with one pre-norm, off the ratio tool, with its own colour and an unused letter', () => {
    expect(spec).toMatchObject({ group: 'composite', ratioSide: null, preNorm: true, role: 'mixer' });
    const others = mixerSpecList().filter((s) => s.kind !== 'parallel');
    expect(others.map((s) => s.style.letter)).not.toContain(spec.style.letter);
    expect(others.map((s) => s.style.color)).not.toContain(spec.style.color);
  });

  it('branch kinds: every non-composite mixer kind of the registry', () => {
    expect(branchSpecsOf(mixerSpecList()).map((s) => s.kind)).toEqual(mixerSpecList().filter((s) => s.group !== 'composite').map((s) => s.kind));
    expect(branchSpecsOf(mixerSpecList()).map((s) => s.kind)).not.toContain('shared');
  });

  it.each([64, 100, 1024, 3072, 4096])('defaults at d = %i are attention ∥ Mamba-2 summed, and valid', (dModel) => {
    const m = spec.defaults(dModel) as ParallelMixer;
    expect(m.branches.map((b) => b.kind)).toEqual(['attention', 'mamba2']);
    expect(m.combine).toBe('sum');
    expect(issues(m, dModel)).toEqual([]);
    expect(spec.summary(m)).toBe('Attention ∥ Mamba-2');
  });

  it('Falcon-H1-7B Mamba-2 at d = 3072: 24 heads of 128 (mamba_d_ssm = d), d_state 256', () => {
    expect(falconMamba2(3072)).toMatchObject({ nHeads: 24, headDim: 128, dState: 256, nGroups: 1, dConv: 4 });
  });

  it('summary names every branch and a mean-norm combine', () => {
    expect(spec.summary({ kind: 'parallel', combine: 'mean-norm', branches: [att, m2, { kind: 'hyena', shortFilterLength: 3, stateSize: 2, projBias: true }] } as ParallelMixer)).toBe('Attention ∥ Mamba-2 ∥ Hyena (mean)');
  });

  it.each<[string, unknown, string]>([
    ['one branch', { kind: 'parallel', branches: [att] }, 'layers[0].mixer.branches: must have at least 2 items (a parallel layer has 2 to 4 branches), got 1'],
    ['five branches', { kind: 'parallel', branches: [att, m2, m2, m2, m2] }, 'layers[0].mixer.branches: must have at most 4 items (a parallel layer has 2 to 4 branches), got 5'],
    ['a nested parallel branch', { kind: 'parallel', branches: [att, { kind: 'parallel', branches: [att, m2] }] }, 'layers[0].mixer.branches[1].kind: kind "parallel" is not allowed here; expected one of attention, mla, mamba, mamba2, hyena'],
    ['a shared-block branch', { kind: 'parallel', branches: [{ kind: 'shared', blockId: 'x' }, m2] }, 'layers[0].mixer.branches[0].kind: kind "shared" is not allowed here'],
    ['an empty branch', { kind: 'parallel', branches: [att, { kind: 'none' }] }, 'layers[0].mixer.branches[1].kind: kind "none" is not allowed here'],
    ['two KV branches', { kind: 'parallel', branches: [m2, att, { ...att, slidingWindow: 8 }] }, 'layers[0].mixer.branches[2].kind: branches 1 (Attention) and 2 (Attention) both keep a KV cache; a parallel layer holds at most one'],
    ['an unknown combine', { kind: 'parallel', branches: [att, m2], combine: 'concat' }, 'layers[0].mixer.combine: expected "sum" or "mean-norm", got "concat"'],
    ['a bad branch field (schema rule)', { kind: 'parallel', branches: [{ ...att, nKvHeads: 3 }, m2] }, 'layers[0].mixer.branches[0].nKvHeads: nKvHeads 3 does not divide nHeads 4'],
    ['a bad branch field (the branch kind’s check, needs dModel)', { kind: 'parallel', branches: [att, { ...m2, headDim: 48 }] }, 'layers[0].mixer.branches[1].headDim: headDim 48 does not divide dInner 512'],
    ['a misspelt branch field', { kind: 'parallel', branches: [att, { ...m2, dstate: 3 }] }, 'layers[0].mixer.branches[1].dstate: unknown field "dstate" (did you mean "dState"?)'],
  ])('refuses %s, naming the field', (_name, mixer, message) => {
    expect(issues(mixer).join('\n')).toContain(message);
  });

  it('accepts up to four branches with no KV cache at all', () => {
    expect(issues({ kind: 'parallel', branches: [m2, { kind: 'mamba', dState: 16, dConv: 4, expand: 2 }, { kind: 'hyena', shortFilterLength: 3, stateSize: 2 }, m2] })).toEqual([]);
  });
});
