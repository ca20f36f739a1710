import { closestNames, z } from '@tessera/core';

/** One problem in a config: where it is, what is wrong, and the fix. */
export interface ConfigIssue {
  /** Dotted path in the config file, e.g. `optimizer.params.learningRate`. */
  readonly path: string;
  /** What is wrong. */
  readonly message: string;
  /** The closest valid value or name, when there is one (`0`, `"cross-entropy"`, `"learningRate"`). */
  readonly fix?: string;
}

/** A config that failed validation; lists every issue at once. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly file: string,
    readonly issues: readonly ConfigIssue[],
  ) {
    super(formatIssues(file, issues));
  }
}

/** `<file>: N problems` then one line per issue: `  path: message (fix: …)`. */
export function formatIssues(file: string, issues: readonly ConfigIssue[]): string {
  const head = `${file}: ${issues.length} problem${issues.length === 1 ? '' : 's'}, nothing was run:`;
  return [head, ...issues.map((i) => `  ✗ ${i.path}: ${i.message}${i.fix ? ` — did you mean ${i.fix}?` : ''}`)].join('\n');
}

export const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
};

const join = (prefix: string, path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter((p) => p !== '').join('.');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

/** The keys an object schema (possibly wrapped in default/optional) accepts at `path`. */
function knownKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  const unwrap = (t: z.ZodType | undefined): z.ZodType | undefined => {
    let cur = t;
    for (let i = 0; i < 8 && cur; i++) {
      const def = (cur as unknown as { def?: { type?: string; innerType?: z.ZodType; in?: z.ZodType } }).def;
      if (def?.type === 'default' || def?.type === 'optional' || def?.type === 'prefault' || def?.type === 'nullable') cur = def.innerType;
      else if (def?.type === 'pipe') cur = def.in;
      else break;
    }
    return cur;
  };
  for (const k of path) {
    s = unwrap(s);
    const def = (s as unknown as { def?: { type?: string; shape?: Record<string, z.ZodType>; element?: z.ZodType } } | undefined)?.def;
    if (def?.type === 'object' && def.shape) s = def.shape[String(k)];
    else if (def?.type === 'array' && def.element) s = def.element;
    else return [];
  }
  s = unwrap(s);
  const def = (s as unknown as { def?: { type?: string; shape?: Record<string, z.ZodType> } } | undefined)?.def;
  return def?.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}

/**
 * Turns zod issues into config issues with the full path in the config
 * (`prefix` + the issue's path) and the closest valid value or key: the
 * violated bound for a number out of range, the nearest allowed value of an
 * enum, the nearest known key for a misspelled one. Unions (a learning rate
 * that is a number or a schedule) report the branch that matches the value's
 * type, so `-1` reads "≥ 0", not "invalid input".
 */
export function zodToConfigIssues(schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[], prefix: string): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  const visit = (issue: z.core.$ZodIssue, base: readonly PropertyKey[]) => {
    const full = [...base, ...issue.path];
    const value = valueAt(input, full);
    switch (issue.code) {
      case 'unrecognized_keys': {
        const known = knownKeys(schema, full);
        for (const key of issue.keys) {
          const close = bestNames(key, known, 1);
          out.push({
            path: join(prefix, [...full, key]),
            message: `unknown key "${key}"${known.length ? ` (known: ${known.join(', ')})` : ''}`,
            ...(close.length ? { fix: `"${close[0]}"` } : {}),
          });
        }
        return;
      }
      case 'invalid_union': {
        if (issue.errors.length > 0) {
          // The branch whose issues are about the value itself (a bound, an enum), not its type.
          const branches = issue.errors.filter((b) => b.length > 0);
          const typed = branches.find((b) => b.every((i) => i.code !== 'invalid_type' && i.code !== 'custom'));
          if (typed) {
            for (const i of typed) visit(i, full);
            return;
          }
        }
        out.push({ path: join(prefix, full), message: `${show(value)} is not valid: ${issue.message}` });
        return;
      }
      case 'too_small': {
        const min = Number(issue.minimum);
        const bound = `${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
        out.push({
          path: join(prefix, full),
          message: `${show(value)} is out of range: expected ${bound}`,
          fix: issue.inclusive ? String(issue.minimum) : issue.origin === 'number' && Number.isFinite(min) ? `a value just above ${min}` : bound,
        });
        return;
      }
      case 'too_big': {
        const max = Number(issue.maximum);
        const bound = `${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
        out.push({
          path: join(prefix, full),
          message: `${show(value)} is out of range: expected ${bound}`,
          fix: issue.inclusive ? String(issue.maximum) : issue.origin === 'number' && Number.isFinite(max) ? `a value just below ${max}` : bound,
        });
        return;
      }
      case 'invalid_value': {
        const allowed = issue.values.map((v) => JSON.stringify(v));
        const close = typeof value === 'string' ? bestNames(value, issue.values.map(String), 1) : [];
        out.push({
          path: join(prefix, full),
          message: `${show(value)} is not allowed: expected one of ${allowed.join(', ')}`,
          ...(close.length ? { fix: JSON.stringify(close[0]) } : {}),
        });
        return;
      }
      case 'invalid_type': {
        out.push({
          path: join(prefix, full),
          message: value === undefined ? `missing (expected ${issue.expected})` : `${show(value)} has the wrong type: expected ${issue.expected}`,
        });
        return;
      }
      default:
        out.push({ path: join(prefix, full), message: `${show(value)}: ${issue.message}` });
    }
  };
  for (const issue of issues) visit(issue, []);
  return out;
}

/** Edit distance (insertions, deletions, substitutions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  let prev = Array.from({ length: t.length + 1 }, (_, j) => j);
  for (let i = 1; i <= s.length; i++) {
    const cur = [i];
    for (let j = 1; j <= t.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (s[i - 1] === t[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[t.length]!;
}

/** Core's `closestNames` candidates, re-ranked by plain edit distance so that the single best fix comes first. */
export function bestNames(name: string, known: readonly string[], max = 3): string[] {
  return closestNames(name, known, Math.max(max, 6))
    .map((k, i) => ({ k, i, d: editDistance(name, k) }))
    .sort((a, b) => a.d - b.d || a.i - b.i)
    .slice(0, max)
    .map((x) => x.k);
}
