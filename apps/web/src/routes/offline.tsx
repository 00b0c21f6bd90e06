import { Link } from 'react-router';
import { usePageTitle } from '../lib/page-title';
import { usePwaState } from '../shell/pwa/pwa-state';

/** What the installed app can do without a network (#21, decision 072), and what needs one. */
export function OfflinePage() {
  usePageTitle('Offline');
  const { online } = usePwaState();
  return (
    <section className="page page-narrow" data-testid="offline-page" aria-labelledby="offline-title">
      <h1 id="offline-title">{online ? 'Using Tutorline offline' : 'You are offline'}</h1>
      <p className="lead">{online ? 'You are online now: everything works.' : 'Tutorline opens without a network, but most of it needs one.'}</p>
      <div className="card">
        <h2>Works offline</h2>
        <ul className="offline-list">
          <li>
            <Link to="/lessons">My lessons</Link>: your lessons as they were when you last opened the list, read-only.
          </li>
          <li>The app itself: its pages open, and it tells you when something needs a connection.</li>
        </ul>
      </div>
      <div className="card">
        <h2>Needs a connection</h2>
        <ul className="offline-list">
          <li>Asking a question and sending photos.</li>
          <li>Calls, classes, chat and the whiteboard.</li>
          <li>Booking a lesson and paying.</li>
          <li>A past session's chat: it is loaded when you open the session.</li>
        </ul>
      </div>
    </section>
  );
}
