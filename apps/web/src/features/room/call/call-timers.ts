/** The call's timers by name: setting one replaces the previous, and none fires once the call is closed. */
export class NamedTimers {
  private timers = new Map<string, number>();

  constructor(private readonly isClosed: () => boolean) {}

  later(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.timers.set(
      name,
      window.setTimeout(() => {
        this.timers.delete(name);
        if (!this.isClosed()) fn();
      }, ms),
    );
  }

  clear(name: string): void {
    const t = this.timers.get(name);
    if (t !== undefined) clearTimeout(t);
    this.timers.delete(name);
  }

  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
