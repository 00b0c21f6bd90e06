/**
 * Typed in-process events between modules (decision 042). A module declares an event once in its index.ts
 * (`defineEvent<Payload>('help.user_event')`); other modules subscribe in their installer. `emit` awaits every
 * handler in subscription order, so an error reaches the publisher (a job then retries, as it would have before).
 */
export interface EventDef<P> {
  readonly name: string;
  /** Carries the payload type only; never set. */
  readonly payload?: (p: P) => void;
}

export type EventHandler<P> = (payload: P) => Promise<void>;

export function defineEvent<P>(name: string): EventDef<P> {
  return { name };
}

export interface EventBus {
  on<P>(event: EventDef<P>, handler: EventHandler<P>): void;
  /** Runs every handler in turn and resolves when all have; the first error rejects it (later handlers are not run). */
  emit<P>(event: EventDef<P>, payload: NoInfer<P>): Promise<void>;
  /** The subscribers of an event, live (handlers subscribed later appear in it); for a publisher that runs them itself. */
  listeners<P>(event: EventDef<P>): readonly EventHandler<P>[];
}

/** One bus per app (several apps share a test process). */
export function createEventBus(): EventBus {
  const handlers = new Map<EventDef<never>, EventHandler<never>[]>();
  const listOf = <P>(event: EventDef<P>): EventHandler<P>[] => {
    let list = handlers.get(event as EventDef<never>);
    if (!list) handlers.set(event as EventDef<never>, (list = []));
    return list as EventHandler<P>[];
  };
  return {
    on(event, handler) {
      listOf(event).push(handler);
    },
    async emit(event, payload) {
      for (const handler of [...listOf(event)]) await handler(payload);
    },
    listeners: listOf,
  };
}
