/**
 * The one sanitiser for text that arrives from outside (webhooks, provider payloads) on its way to PostgreSQL.
 * PostgreSQL text cannot hold U+0000, and jsonb refuses both `\u0000` and a UTF-16 surrogate without its partner;
 * JSON allows both, so a validly signed delivery could otherwise fail to store (a 500, retried for days).
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Strips NUL and replaces each lone surrogate with U+FFFD (what a UTF-8 encoder would write). */
export function cleanText(s: string): string {
  const noNul = s.includes('\u0000') ? s.replaceAll('\u0000', '') : s;
  return noNul.replace(LONE_SURROGATE, '\ufffd');
}

/**
 * A copy of parsed JSON with every string (keys too) cleaned. Recursive: call it only on values whose depth was
 * bounded before parsing (platform/json.ts), as every request body's is.
 */
export function cleanJson<T>(value: T): T {
  return cleanValue(value) as T;
}

function cleanValue(v: unknown): unknown {
  if (typeof v === 'string') return cleanText(v);
  if (Array.isArray(v)) return v.map(cleanValue);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Record<string, unknown> = {};
    // defineProperty: a "__proto__" key stays a key, as JSON.parse made it, instead of setting the prototype.
    for (const [k, x] of Object.entries(v)) Object.defineProperty(out, cleanText(k), { value: cleanValue(x), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return v;
}
