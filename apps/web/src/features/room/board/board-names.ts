import { type RefObject, useEffect } from 'react';

/** Excalidraw's own buttons that it renders with an icon and no name; a screen reader would read "button". */
const unnamedButtons: [selector: string, name: string][] = [['button.main-menu-trigger', 'Board menu']];

/** Names Excalidraw's unnamed icon buttons inside `ref`, again whenever Excalidraw draws them anew (it re-renders its UI freely). */
export function useBoardButtonNames(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const name = () => {
      for (const [selector, label] of unnamedButtons) {
        for (const button of root.querySelectorAll<HTMLButtonElement>(selector)) {
          if (!button.hasAttribute('aria-label')) button.setAttribute('aria-label', label);
        }
      }
    };
    name();
    const observer = new MutationObserver(name);
    observer.observe(root, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [ref]);
}
