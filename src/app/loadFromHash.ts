import { formatIssues } from '../models/validate';
import { decodeShareHash, isShareHash } from './shareLink';
import { replaceDesign, runCommand } from './commands';
import { useAppStore } from './store';

/**
 * Opens a share link: when the URL hash carries a design it is validated and loaded (one undoable step), then the
 * hash is removed so that a reload shows the autosave. A malformed link shows why and loads nothing.
 */
export function loadFromHash(): void {
  const hash = location.hash;
  if (!isShareHash(hash)) return;
  const s = useAppStore.getState();
  const r = decodeShareHash(hash);
  if (r.ok) {
    runCommand(replaceDesign, { design: r.value, label: 'Open shared link' });
    s.setSelection([]);
    s.requestFit();
  } else {
    s.pushNotice('error', `The shared link could not be opened; nothing was loaded.\n${formatIssues(r.issues.slice(0, 4))}`);
  }
  history.replaceState(null, '', location.pathname + location.search);
}
