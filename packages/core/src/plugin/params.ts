import { z } from 'zod';
import { InvalidParamsError, type ParamIssue } from '../errors.js';
import { closestNames } from '../util/closest-names.js';
import type { PluginManifest } from './plugin.js';

/** One hyperparameter as `describe` and the CLI show it. */
export interface ParamInfo {
  readonly name: string;
  readonly type: string;
  readonly default?: unknown;
  readonly description?: string;
  /** Human-readable allowed range, e.g. `[0, 1]`, `> 0`, `one of "mean", "sum"`. */
  readonly range?: string;
  readonly optional: boolean;
}

type JsonSchema = {
  type?: string | string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

const SAFE = Number.MAX_SAFE_INTEGER;

/** The JSON schema of a hyperparameter schema (input side: defaults are optional). */
export function paramsJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return 'enum';
  if (s.const !== undefined) return JSON.stringify(s.const);
  const alts = s.anyOf ?? s.oneOf;
  if (alts) return alts.map(typeOf).filter((t) => t !== 'any').join(' | ') || 'any';
  if (Array.isArray(s.type)) return s.type.join(' | ');
  if (s.type === 'array') return `${s.items ? typeOf(s.items) : 'any'}[]`;
  return s.type ?? 'any';
}

/** `[0, 1]`, `> 0`, `≥ 1`, `one of "a", "b"`, or undefined when unconstrained. */
export function rangeOf(s: JsonSchema): string | undefined {
  if (s.enum) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`;
  const alts = s.anyOf ?? s.oneOf;
  if (alts) {
    const parts = alts.map(rangeOf).filter((r): r is string => r !== undefined);
    return parts.length ? parts.join(' or ') : undefined;
  }
  const lo = s.exclusiveMinimum ?? (s.minimum !== undefined && s.minimum > -SAFE ? s.minimum : undefined);
  const hi = s.exclusiveMaximum ?? (s.maximum !== undefined && s.maximum < SAFE ? s.maximum : undefined);
  const loOpen = s.exclusiveMinimum !== undefined;
  const hiOpen = s.exclusiveMaximum !== undefined;
  const int = s.type === 'integer' ? 'integer ' : '';
  if (lo !== undefined && hi !== undefined) return `${int}${loOpen ? '(' : '['}${lo}, ${hi}${hiOpen ? ')' : ']'}`;
  if (lo !== undefined) return `${int}${loOpen ? '>' : '≥'} ${lo}`;
  if (hi !== undefined) return `${int}${hiOpen ? '<' : '≤'} ${hi}`;
  return int ? 'integer' : undefined;
}

/** Every hyperparameter of a schema with its type, default, description and range. */
export function describeParams(schema: z.ZodType): ParamInfo[] {
  const js = paramsJsonSchema(schema);
  const required = new Set(js.required ?? []);
  return Object.entries(js.properties ?? {}).map(([name, p]) => ({
    name,
    type: typeOf(p),
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.description ? { description: p.description } : {}),
    ...(rangeOf(p) ? { range: rangeOf(p) } : {}),
    optional: !required.has(name),
  }));
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = input;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined;
  return v;
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    const s = JSON.stringify(v);
    return s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return Object.prototype.toString.call(v);
  }
};

/** Turns zod issues into {@link ParamIssue}s that name the parameter, the value and the allowed range. */
export function toParamIssues(schema: z.ZodType, input: unknown, issues: readonly z.core.$ZodIssue[]): ParamIssue[] {
  const js = paramsJsonSchema(schema);
  const props = js.properties ?? {};
  const known = Object.keys(props);
  const out: ParamIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path.map(String), key].join('.');
        const close = closestNames(key, known, 1);
        const expected = close.length ? `"${close[0]}"` : `one of ${known.map((k) => `"${k}"`).join(', ') || '(no parameters)'}`;
        out.push({
          path,
          value: valueAt(input, [...issue.path, key]),
          expected,
          message: `unknown parameter "${path}"; ${close.length ? `did you mean "${close[0]}"?` : `known: ${known.join(', ') || '(none)'}.`}`,
        });
      }
      continue;
    }
    const path = issue.path.map(String).join('.');
    const value = valueAt(input, issue.path);
    const prop = issue.path.length === 1 ? props[String(issue.path[0])] : undefined;
    const range = prop ? rangeOf(prop) : undefined;
    let expected: string;
    switch (issue.code) {
      case 'too_small':
        expected = `${issue.inclusive ? '≥' : '>'} ${String(issue.minimum)}`;
        break;
      case 'too_big':
        expected = `${issue.inclusive ? '≤' : '<'} ${String(issue.maximum)}`;
        break;
      case 'invalid_type':
        expected = `a value of type ${issue.expected}`;
        break;
      case 'invalid_value':
        expected = `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
        break;
      default:
        expected = issue.message;
    }
    const where = path || '(parameters)';
    out.push({
      path: where,
      value,
      expected,
      message: `${where} = ${show(value)}: expected ${expected}${range && !expected.includes(range) ? ` (allowed: ${range})` : ''}`,
    });
  }
  return out;
}

/** Validates `input` against a plugin's schema, filling defaults; throws {@link InvalidParamsError} listing every issue. */
export function parseParams<P>(manifest: PluginManifest<P>, input: unknown): P {
  const result = manifest.params.safeParse(input ?? {});
  if (result.success) return result.data;
  throw new InvalidParamsError(`${manifest.kind} "${manifest.name}"`, toParamIssues(manifest.params, input, result.error.issues));
}
