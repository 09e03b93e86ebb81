import { lazy, Suspense, useCallback, useState } from 'react';
import { ReactFlowProvider } from '@xyflow/react';
import { Header } from '../components/Header';
import { Palette } from '../components/Palette';
import { PatternStrip } from '../components/PatternStrip';
import { EditorCanvas } from '../components/canvas/EditorCanvas';
import { MetricsPanel } from '../components/MetricsPanel';
import { Inspector } from '../components/Inspector';
import { BottomPanel } from '../components/BottomPanel';
import { Toasts } from '../components/Toasts';
import { ErrorBoundary } from '../components/ErrorBoundary';
import { useFileDrop, useShortcuts, useTheme } from './useEditorEffects';

/** The help dialog's code loads when it is first opened (the first paint does not need it). */
const HelpDialog = lazy(() => import('../components/HelpDialog').then((m) => ({ default: m.HelpDialog })));

/** The one screen: design on the left, consequences on the right, charts below. */
export function App() {
  const [help, setHelp] = useState(false);
  const openHelp = useCallback(() => setHelp(true), []);
  const closeHelp = useCallback(() => setHelp(false), []);
  useTheme();
  useShortcuts(openHelp);
  const fileOver = useFileDrop();
  return (
    <ReactFlowProvider>
      <div className="app" data-testid="app">
        <Header onHelp={openHelp} />
        <main className="workspace">
          <Palette />
          <div className="centre">
            <PatternStrip />
            <ErrorBoundary what="the canvas">
              <EditorCanvas />
            </ErrorBoundary>
          </div>
          <aside className="panel side-right" aria-label="Metrics and inspector">
            <ErrorBoundary what="the metrics and inspector">
              <MetricsPanel />
              <Inspector />
            </ErrorBoundary>
          </aside>
        </main>
        <BottomPanel />
      </div>
      {help && (
        <Suspense fallback={null}>
          <HelpDialog onClose={closeHelp} />
        </Suspense>
      )}
      <Toasts />
      {fileOver && <div className="drop-overlay">Drop a design JSON or an HF config.json to import it</div>}
    </ReactFlowProvider>
  );
}
