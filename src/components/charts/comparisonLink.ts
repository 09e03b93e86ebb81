import { useAppStore } from '../../app/store';
import { shareUrl } from '../../app/shareLink';
import { comparisonHashSuffix } from './compareShare';

/** A link to the current design and the whole comparison (pinned designs, chart settings, budget). */
export function comparisonLink(): string {
  const s = useAppStore.getState();
  return shareUrl(s.design, globalThis.location.href) + comparisonHashSuffix(s.pinned, s.chartSettings, s.budgetBytes);
}
