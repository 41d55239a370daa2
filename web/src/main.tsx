import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { useLanguage } from './i18n/index.js';
import { SessionProvider } from './session.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

/** The console, rendered again as a whole when the person switches language, so every word and date follows. */
function Console() {
  useLanguage();
  return (
    <SessionProvider>
      <App />
    </SessionProvider>
  );
}

createRoot(root).render(
  <StrictMode>
    <Console />
  </StrictMode>,
);
