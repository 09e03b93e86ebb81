import { safeLine } from '../models/safeText';
import type { ValidationIssue } from '../models/validate';
import { comparisonFromHash } from '../components/charts/compareShare';
import { decodeShareHash, isShareHash, shareLinkProblem } from './shareLink';
import { replaceDesign, runCommand } from './commands';
import { useAppStore } from './store';

const lines = (issues: readonly ValidationIssue[]) => issues.slice(0, 4).map((i) => `${i.path}: ${i.message}`).join('\n');

/**
 * Opens a share link, at start and whenever the hash changes in an open tab (a pasted link): the design (`d=`) is
 * validated and loaded as one undoable step, and the comparison (`c=`: pinned designs, chart settings, budget) is
 * applied; each part that does not validate is reported and nothing of it is applied. The hash is then removed, in
 * every case, so that a reload shows the autosave: a hostile link can never leave the page blank on every reload.
 */
export function loadFromHash(): void {
  const hash = location.hash;
  if (!isShareHash(hash)) return;
  try {
    applyShareHash(hash);
  } catch (e) {
    // Not reachable by design (every decoder returns issues); kept so that no link can take the page down.
    useAppStore.getState().pushNotice('error', `The shared link could not be opened (internal error: ${safeLine(e instanceof Error ? e.message : String(e), 200)}); nothing was loaded.`);
  } finally {
    history.replaceState(null, '', location.pathname + location.search);
  }
}

/** Applies what a share hash carries; reports what it cannot apply. Exported for tests. */
export function applyShareHash(hash: string): void {
  const s = useAppStore.getState();
  const problem = shareLinkProblem(hash);
  if (problem) {
    s.pushNotice('error', `The shared link could not be opened; nothing was loaded.\nshare link: ${problem}`);
    return;
  }
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  if (params.has('d')) {
    const r = decodeShareHash(hash);
    if (r.ok) {
      runCommand(replaceDesign, { design: r.value, label: 'Open shared link' });
      s.setSelection([]);
      s.requestFit();
    } else {
      s.pushNotice('error', `The shared link could not be opened; the design is unchanged.\n${lines(r.issues)}`);
    }
  }
  const c = comparisonFromHash(hash);
  if (c && !c.ok) s.pushNotice('error', `The comparison in this link was not loaded; the pinned designs are unchanged.\n${lines(c.issues)}`);
  else if (c) {
    s.setComparison(c.value.pinned, c.value.settings);
    if (c.value.budgetBytes !== undefined) s.setBudgetBytes(c.value.budgetBytes);
  }
  if (!params.has('d') && !c) s.pushNotice('error', 'The shared link could not be opened: it carries no design (d=) and no comparison (c=).');
}
