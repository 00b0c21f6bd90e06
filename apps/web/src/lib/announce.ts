/** The app's one polite live region (rendered by the shell, outside the pages): it outlives a route change. */
export const announcerId = 'announcer';

/**
 * Says `text` to screen readers, even when the page that says it is about to go ("Tutor found", then the room
 * opens). Emptied first, so the same words twice are announced twice.
 */
export function announce(text: string): void {
  const region = document.getElementById(announcerId);
  if (!region) return;
  region.textContent = '';
  window.setTimeout(() => (region.textContent = text), 50);
}
