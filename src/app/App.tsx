import { ChartsPanel } from '../components/charts/ChartsPanel';

/** The one screen: design on the left, consequences on the right, charts below. */
export function App() {
  return (
    <div className="app" data-testid="app">
      <header>Hybrid Architecture Explorer</header>
      <ChartsPanel />
    </div>
  );
}
