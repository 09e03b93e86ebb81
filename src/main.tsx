import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@xyflow/react/dist/style.css';
import './styles/app.css';
import { App } from './app/App';
import { installTestApi } from './app/testApi';
import { loadFromHash } from './app/loadFromHash';

installTestApi();
loadFromHash();
window.addEventListener('hashchange', loadFromHash);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
