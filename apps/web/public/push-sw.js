/* Web Push in the service worker (#21), imported by the generated sw.js (build/pwa.ts, workbox.importScripts).
 * Plain JavaScript: it runs in the worker as served, without a build step.
 *
 * push: shows the notification the server sent (title, body, actions; the tag replaces an older one for the same question).
 * notificationclick: "Accept" on a tutor's question alert claims the question through the normal API, with the tutor's
 * own session cookie, and opens the session it won; a lost race (409) shows the outcome as a notification. Any other
 * click opens, or focuses, the page the push named. */
/* eslint-disable */
'use strict';

self.addEventListener('push', (event) => {
  let p = null;
  try {
    p = event.data ? event.data.json() : null;
  } catch (e) {
    p = null;
  }
  if (!p || typeof p.title !== 'string') p = { title: 'Tutorline', body: event.data ? event.data.text() : '', url: '/', data: {}, actions: [] };
  const data = Object.assign({}, p.data || {}, { url: p.url || '/', kind: p.kind || '' });
  const options = { body: p.body || '', data: data, icon: '/icons/icon-192.png', badge: '/icons/icon-192.png', actions: p.actions || [] };
  if (p.tag) {
    options.tag = p.tag;
    options.renotify = true;
  }
  // A question alert stays until the tutor acts: a lock screen shows it until Accept or dismiss.
  if (p.kind === 'help.question') options.requireInteraction = true;
  event.waitUntil(self.registration.showNotification(p.title, options));
});

/** Sends an open tab of the app to `url` and focuses it, or opens a new one. */
async function openPage(url) {
  const target = new URL(url, self.location.origin).href;
  const tabs = await self.clients.matchAll({ type: 'window' });
  for (const tab of tabs) {
    let moved = null;
    try {
      moved = await tab.navigate(target);
    } catch (e) {
      continue; // not ours to move: try the next, or open a new one
    }
    try {
      await (moved || tab).focus();
    } catch (e) {
      // focus needs the click's user activation; the tab is on the page all the same
    }
    return moved || tab;
  }
  return self.clients.openWindow(target);
}

/** The words for a refused accept (help.http.ts's claimErrors give the message; these cover a missing body). */
const refusals = {
  conflict: 'This question was taken by another tutor.',
  not_found: 'This question is no longer available.',
  forbidden: 'You cannot take this question.',
  unauthenticated: 'Please log in to Tutorline to accept questions.',
};

async function accept(questionId) {
  let res;
  try {
    res = await fetch('/api/help/questions/' + encodeURIComponent(questionId) + '/accept', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json' },
    });
  } catch (e) {
    return self.registration.showNotification('Could not accept', { body: 'No connection. Open Tutorline to try again.', tag: 'question:' + questionId, data: { url: '/tutor', kind: 'help.accept_failed' } });
  }
  const body = await res.json().catch(() => null);
  if (res.ok && body && body.sessionId) return openPage('/session/' + encodeURIComponent(body.sessionId));
  const code = body && body.error ? body.error.code : '';
  const message = (body && body.error && body.error.message) || refusals[code] || 'This question is no longer available.';
  // The outcome, where the tutor is looking: the notification shade (the app may not be open at all).
  return self.registration.showNotification('Already taken', { body: message, tag: 'question:' + questionId, data: { url: '/tutor', kind: 'help.accept_refused', code: code, status: res.status } });
}

/** What a click on a notification (or on one of its actions) does; a named global so the e2e test can call it. */
self.tutorlineNotificationClick = function (notification, action) {
  const data = notification.data || {};
  notification.close();
  if (action === 'accept' && data.questionId) return accept(String(data.questionId));
  return openPage(data.url || '/');
};

self.addEventListener('notificationclick', (event) => {
  event.waitUntil(self.tutorlineNotificationClick(event.notification, event.action));
});
