import { useEffect, useRef } from 'react';
import { useLocation } from 'react-router';
import { announcerId } from '../lib/announce';

/** How long a new page may take to show its heading (its code and data loading) before focus is left alone. */
const HEADING_WAIT_MS = 10_000;

/**
 * After a route change, focus moves to the new page's main heading, so a screen reader reads where the user is and
 * Tab starts from the page's top; not on the first load (the browser starts there). A page that put focus somewhere
 * itself (a form field, a dialog) keeps it.
 */
export function FocusOnRouteChange() {
  const { pathname } = useLocation();
  const first = useRef(true);
  // What had focus before this route's page rendered (read while rendering: by the effect, an autoFocus has run).
  const shownPath = useRef(pathname);
  const before = useRef<Element | null>(null);
  if (shownPath.current !== pathname) {
    shownPath.current = pathname;
    before.current = document.activeElement;
  }
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const main = document.getElementById('main');
    if (!main) return;
    const placed = () => {
      const active = document.activeElement;
      return active !== null && active !== before.current && active !== document.body && active !== main;
    };
    const tryFocus = () => {
      if (placed()) return true;
      const heading = main.querySelector<HTMLElement>('h1');
      if (!heading) return false;
      if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: true });
      return true;
    };
    if (tryFocus()) return;
    const observer = new MutationObserver(() => tryFocus() && stop());
    const timer = window.setTimeout(() => stop(), HEADING_WAIT_MS);
    const stop = () => {
      observer.disconnect();
      window.clearTimeout(timer);
    };
    observer.observe(main, { childList: true, subtree: true });
    return stop;
  }, [pathname]);
  return null;
}

/** The polite live region `announce()` speaks through. */
export function Announcer() {
  return <div id={announcerId} className="visually-hidden" role="status" aria-live="polite" data-testid="announcer" />;
}
