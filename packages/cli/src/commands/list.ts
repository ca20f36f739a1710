import type { PluginManifest, PluginRegistry } from '@tessera/core';
import { closestNames } from '@tessera/core';

const paperOf = (m: PluginManifest) => (m.paper ? (m.paper.arxiv ? `arXiv:${m.paper.arxiv}` : m.paper.url ?? m.paper.title) : '');

/** Pads columns to the width of their longest cell. */
export function table(rows: string[][], indent = '  '): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => indent + r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ').trimEnd()).join('\n');
}

/** `tessera list [kind]`: every plugin (of one kind) with its summary and paper, straight from the manifests. */
export function listPlugins(registry: PluginRegistry, kind?: string, json = false, long = false): string {
  const kinds = kind ? [kind] : registry.kinds().slice().sort();
  if (kind && !registry.kinds().includes(kind)) {
    const close = closestNames(kind, registry.kinds());
    throw new Error(`no plugin of kind "${kind}" is registered; ${close.length ? `did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : `kinds: ${registry.kinds().join(', ')}`}`);
  }
  if (json) {
    return JSON.stringify(
      registry.list(kind).map((m) => ({ kind: m.kind, name: m.name, aliases: m.aliases ?? [], summary: m.summary, package: m.package, paper: m.paper })),
      null,
      2,
    );
  }
  const out: string[] = [];
  for (const k of kinds) {
    const ms = registry.list(k);
    out.push(`${k} (${ms.length})`);
    if (!long) out.push(table(ms.map((m) => [m.name + (m.aliases?.length ? ` (${m.aliases.join(', ')})` : ''), m.summary, paperOf(m)])));
    else {
      for (const m of ms) {
        const d = registry.describe(m.kind, m.name);
        out.push(`  ${m.name}${m.aliases?.length ? ` (${m.aliases.join(', ')})` : ''} — ${m.summary}${paperOf(m) ? ` [${paperOf(m)}]` : ''}`);
        for (const p of d.params) out.push(`      ${p.name}: ${p.type} = ${fmtDefault(p.default)}${p.range ? `  (${p.range})` : ''}`);
      }
    }
    out.push('');
  }
  out.push(`${registry.list().length} plugins. Details: tessera describe <kind> <name>`);
  return out.join('\n');
}

const fmtDefault = (v: unknown) => (v === undefined ? '—' : JSON.stringify(v));

/** `tessera describe <kind> <name>`: summary, paper and every hyperparameter (type, default, range, description). */
export function describePlugin(registry: PluginRegistry, kind: string, name: string, json = false): string {
  const d = registry.describe(kind, name);
  if (json) return JSON.stringify({ ...d, jsonSchema: undefined }, null, 2);
  const lines = [`${d.kind} ${d.name}${d.aliases.length ? ` (aliases: ${d.aliases.join(', ')})` : ''}`, `  ${d.summary}`];
  if (d.paper) {
    const link = d.paper.arxiv ? `https://arxiv.org/abs/${d.paper.arxiv}` : d.paper.url ?? '';
    lines.push(`  paper: ${d.paper.title}${d.paper.year ? ` (${d.paper.year})` : ''}${link ? ` ${link}` : ''}`);
  }
  if (d.package) lines.push(`  package: ${d.package}`);
  lines.push('');
  if (d.params.length === 0) lines.push('  no hyperparameters');
  else {
    lines.push('  hyperparameters:');
    lines.push(
      table(
        [['name', 'type', 'default', 'range', 'description'], ...d.params.map((p) => [p.name, p.type, fmtDefault(p.default), p.range ?? '', p.description ?? ''])],
        '    ',
      ),
    );
  }
  return lines.join('\n');
}
