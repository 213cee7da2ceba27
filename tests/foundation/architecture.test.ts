// Holds the ports-and-adapters fence: core knows no platform, no HTTP framework, no SQL, no i18n library and
// reads no environment; only app/config.ts reads process.env; only app/ wires infra/ (bot/ and web/ see ports);
// web routes run no SQL; no import cycles.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const imports = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
/** Static and dynamic imports, as paths from the repository root (packages as they are). */
const importedPaths = (file: string) =>
  [
    ...imports(file),
    ...[...fs.readFileSync(file, 'utf8').matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!),
  ].map((spec) => (spec.startsWith('.') ? path.relative('.', path.resolve(path.dirname(file), spec)) : spec));
const serverFiles = (dir: string) => files(dir).filter((f) => !f.startsWith(path.join('web', 'app')));
const into = (dir: string) => (p: string) => p === dir || p.startsWith(dir + path.sep);

const FORBIDDEN_IN_CORE = [
  /^@line\//,
  /^grammy/,
  /^discord\.js/,
  /^@hapi\//,
  /^sequelize/,
  /^pg$/,
  /^ioredis/,
  /^i18next/,
  /^agenda/,
  /^@agendajs\//,
  /^@google\/genai/,
  /^@aws-sdk\//,
  /^jose/,
  /^@paddle\//,
];

describe('architecture', () => {
  it('core imports only core and node built-ins', () => {
    const bad: string[] = [];
    for (const f of files('core')) {
      for (const spec of imports(f)) {
        const resolved = spec.startsWith('.') ? path.relative('.', path.resolve(path.dirname(f), spec)) : spec;
        const leavesCore = spec.startsWith('.') && !resolved.startsWith('core' + path.sep);
        if (leavesCore || FORBIDDEN_IN_CORE.some((r) => r.test(spec))) bad.push(`${f} → ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('only app/config.ts reads process.env', () => {
    const readers = ['core', 'bot', 'web', 'infra', 'app']
      .flatMap((d) => files(d))
      .filter((f) => !f.startsWith(path.join('web', 'app')) && /process\.env\b/.test(fs.readFileSync(f, 'utf8')));
    expect(readers).toEqual([path.join('app', 'config.ts')]);
  });

  it('bot/ and web/ import no infra/: only app/ wires the implementations', () => {
    const bad = ['bot', 'web'].flatMap(serverFiles).flatMap((f) =>
      importedPaths(f)
        .filter(into('infra'))
        .map((p) => `${f} → ${p}`),
    );
    expect(bad).toEqual([]);
  });

  it('infra/ imports no app/, and from bot/ and web/ only the port types it implements', () => {
    const valueSpecs = (f: string) =>
      [
        ...fs.readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)(?!\s+type\b)[^'"]*from\s+['"](\.[^'"]+)['"]/gm),
        ...fs.readFileSync(f, 'utf8').matchAll(/\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g),
      ].map((m) => path.relative('.', path.resolve(path.dirname(f), m[1]!)));
    const bad = files('infra').flatMap((f) => [
      ...importedPaths(f)
        .filter(into('app'))
        .map((p) => `${f} → ${p}`),
      ...valueSpecs(f)
        .filter((p) => into('bot')(p) || into('web')(p))
        .map((p) => `${f} → ${p} (a value, not a port type)`),
    ]);
    expect(bad).toEqual([]);
  });

  it('web routes are thin: no SQL and no repository built in a route', () => {
    const bad = files(path.join('web', 'routes')).filter((f) =>
      /\bnew Sql[A-Z]|\.query\(|\b(SELECT|INSERT|UPDATE|DELETE)\s/.test(fs.readFileSync(f, 'utf8')),
    );
    expect(bad).toEqual([]);
  });

  it('has no import cycles (type-only imports aside): each module can be read and loaded on its own', () => {
    const sources = ['app', 'core', 'bot', 'web', 'infra']
      .flatMap((d) => files(d))
      .filter((f) => !f.startsWith(path.join('web', 'app')));
    const valueImports = (f: string) =>
      [
        ...fs
          .readFileSync(f, 'utf8')
          .matchAll(/^\s*(?:import|export)(?!\s+type\b)[^'"]*from\s+['"](\.[^'"]+\.ts)['"]/gm),
      ].map((m) => path.relative('.', path.resolve(path.dirname(f), m[1]!)));
    const graph = new Map(sources.map((f) => [f, valueImports(f)]));
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const trail: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'open');
      trail.push(f);
      for (const next of graph.get(f) ?? []) {
        if (state.get(next) === 'open') cycles.push([...trail.slice(trail.indexOf(next)), next].join(' → '));
        else if (!state.has(next)) visit(next);
      }
      trail.pop();
      state.set(f, 'done');
    };
    for (const f of sources) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });
});
