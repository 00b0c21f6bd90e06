const palette = ['#4338ca', '#0e7490', '#b45309', '#047857', '#be185d', '#6d28d9', '#1d4ed8', '#9a3412'];

/** "Asha Rao" → "AR", "kiran" → "K". */
export function initialsOf(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0]!, words[words.length - 1]!] : words;
  return letters.map((w) => [...w][0]?.toUpperCase() ?? '').join('') || '?';
}

/** FNV-1a with a final mix, so ids that differ only slightly (time-ordered UUIDs) still get different colours. */
function colourFor(seed: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) hash = Math.imul(hash ^ seed.charCodeAt(i), 0x01000193);
  hash ^= hash >>> 15;
  hash = Math.imul(hash, 0x2c1b3c6d);
  hash ^= hash >>> 12;
  return palette[(hash >>> 0) % palette.length]!;
}

/** A round badge with someone's initials; no picture is fetched. */
export function Avatar({ name, seed, size = 'medium' }: { name: string; seed?: string; size?: 'medium' | 'large' }) {
  return (
    <span className={`avatar avatar-${size}`} style={{ background: colourFor(seed ?? name) }} aria-hidden="true">
      {initialsOf(name)}
    </span>
  );
}
