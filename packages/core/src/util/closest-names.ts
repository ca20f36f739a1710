import { distance } from 'fastest-levenshtein';

/**
 * The known names closest to `name` (edit distance, then shared prefix), best first.
 * Used by every "unknown name" error so that a typo points at the fix.
 */
export function closestNames(name: string, known: readonly string[], max = 3): string[] {
  const lower = name.toLowerCase();
  const scored = known.map((k) => {
    const kl = k.toLowerCase();
    let d = distance(lower, kl);
    if (kl.startsWith(lower) || lower.startsWith(kl) || kl.includes(lower)) d = Math.min(d, 1);
    return { k, d };
  });
  const limit = Math.max(2, Math.ceil(name.length / 2));
  return scored
    .filter((s) => s.d <= limit)
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k))
    .slice(0, max)
    .map((s) => s.k);
}

/** `did you mean "a", "b"?` or a list of the known names when none is close. */
export function suggestion(name: string, known: readonly string[]): string {
  const close = closestNames(name, known);
  if (close.length > 0) return `did you mean ${close.map((c) => `"${c}"`).join(', ')}?`;
  if (known.length === 0) return 'none is registered.';
  const shown = known.slice(0, 12).map((c) => `"${c}"`).join(', ');
  return `known: ${shown}${known.length > 12 ? `, … (${known.length} in all)` : ''}.`;
}
