/**
 * Ports: an interface a module calls (declared in the consumer's index.ts with `definePort`) and another module
 * implements when it registers (decision 042). One registry per app. A consumer registered before its provider
 * takes a late-bound reference (`late`/`lateFn`); the app checks every such port once all modules are registered,
 * so a missing implementation stops the start, never a request.
 */
export interface PortDef<T> {
  readonly name: string;
  /** Which module is expected to provide it (for the start-up error). */
  readonly providedBy: string;
  /** Carries the port's type only; never set. */
  readonly type?: (t: T) => T;
}

export function definePort<T>(name: string, providedBy: string): PortDef<T> {
  return { name, providedBy };
}

export class MissingPortError extends Error {
  constructor(def: PortDef<unknown>, neededBy?: string) {
    super(`port '${def.name}'${neededBy ? ` (needed by ${neededBy})` : ''} has no implementation: register ${def.providedBy}, which provides it`);
    this.name = 'MissingPortError';
  }
}

export interface Ports {
  provide<T>(def: PortDef<T>, impl: T): void;
  /**
   * Tests only: puts a stand-in where a module's implementation is (or will be), returning the one it replaced.
   * A module's own `provide` after a replacement keeps the stand-in. Production code never calls it (lint).
   */
  replaceForTest<T>(def: PortDef<T>, impl: T): T | undefined;
  /** The implementation now; throws MissingPortError when none was provided yet. */
  get<T>(def: PortDef<T>): T;
  /** An object whose methods call the implementation provided by the time they are called; recorded for `assertProvided`. */
  late<T extends object>(def: PortDef<T>, neededBy: string): T;
  /** The same for a port that is one function. */
  lateFn<A extends unknown[], R>(def: PortDef<(...args: A) => R>, neededBy: string): (...args: A) => R;
  /** Throws MissingPortError for the first late-bound port still without an implementation (the app calls it at ready). */
  assertProvided(): void;
}

export function createPorts(): Ports {
  const impls = new Map<object, unknown>();
  const standIns = new Set<object>();
  const needed: { def: PortDef<unknown>; by: string }[] = [];
  const get = <T>(def: PortDef<T>, neededBy?: string): T => {
    if (!impls.has(def)) throw new MissingPortError(def as PortDef<unknown>, neededBy);
    return impls.get(def) as T;
  };
  return {
    provide(def, impl) {
      if (standIns.has(def)) return;
      if (impls.has(def)) throw new Error(`port '${def.name}' was provided twice`);
      impls.set(def, impl);
    },
    replaceForTest(def, impl) {
      const before = impls.get(def) as typeof impl | undefined;
      standIns.add(def);
      impls.set(def, impl);
      return before;
    },
    get: (def) => get(def),
    late(def, neededBy) {
      needed.push({ def: def as PortDef<unknown>, by: neededBy });
      return new Proxy({} as typeof def extends PortDef<infer T> ? T : never, {
        get(_target, key) {
          const impl = get(def, neededBy) as Record<PropertyKey, unknown>;
          const value = impl[key];
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(impl) : value;
        },
      });
    },
    lateFn(def, neededBy) {
      needed.push({ def: def as PortDef<unknown>, by: neededBy });
      return (...args) => get(def, neededBy)(...args);
    },
    assertProvided() {
      for (const { def, by } of needed) get(def, by);
    },
  };
}
