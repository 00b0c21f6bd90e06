// The global sheets first, in cascade order: the design tokens, the reset and page layout, then the shared components
// (ui/) that every feature's sheet builds on. A feature's own sheet is imported by its components and loads with them.
import './styles/tokens.css';
import './styles/base.css';
import './ui/card.css';
import './ui/button.css';
import './ui/form.css';
import './ui/alert.css';
import './styles/layout.css';
import './ui/progress-bar.css';
import './ui/stats.css';
import './ui/avatar.css';
import './ui/star-picker.css';
import './ui/segmented.css';
import './ui/zone-name.css';
import './ui/photo-viewer.css';
import './ui/dialog.css';
import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { prefetchMe } from './features/auth';
import { startingLanguage, switchLanguage } from './i18n';
import { registerServiceWorker } from './shell/pwa/register-sw';

// A room's URL opened from outside the app (a WhatsApp join link) needs the room's code: fetch it now, beside the
// catalog and the first render, rather than after React reaches the lazy route. Other pages never load it here.
if (window.location.pathname.startsWith('/session/')) void import('./routes/session').catch(() => undefined);

prefetchMe();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// As a transition, React renders the first page in slices of a few milliseconds, yielding to the browser between them;
// a plain render() is one task as long as the whole tree (about 0.6 s on a 4× slowed phone), which blocks any tap.
const render = () => {
  const app = createRoot(root);
  startTransition(() =>
    app.render(
      <StrictMode>
        <App />
      </StrictMode>,
    ),
  );
};
// The first paint is in the chosen language: its catalog (one small chunk) loads first. Should that fail (offline with
// an empty cache), English is tried, and the page opens either way.
switchLanguage(startingLanguage())
  .catch(() => switchLanguage('en'))
  .catch(() => undefined)
  .then(render);
registerServiceWorker();
