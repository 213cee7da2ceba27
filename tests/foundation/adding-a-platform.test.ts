// docs/adding-a-platform.md is a walk-through against the code: every file it cites must exist and every name it
// cites must be declared in the tree (the Slack example's own names aside), so the page cannot drift from the code.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const DOC = fs.readFileSync('docs/adding-a-platform.md', 'utf8');
const cited = [...DOC.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!);
const isExample = (s: string) => /slack|<[a-z ]+>/i.test(s);

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'dist' ? [] : sources(p);
    return p.endsWith('.ts') ? [p] : [];
  });
}
const tree = ['app', 'core', 'bot', 'web', 'infra', 'tests'].flatMap(sources).map((f) => fs.readFileSync(f, 'utf8'));

/** `bot/line/{inbound,render}.ts` → both files. */
const expand = (p: string) => {
  const m = /^(.*)\{([^}]+)\}(.*)$/.exec(p.replace(/\s+/g, ''));
  return m ? m[2]!.split(',').map((part) => `${m[1]}${part}${m[3]}`) : [p];
};

describe('docs/adding-a-platform.md', () => {
  it('cites only files that exist', () => {
    const files = cited
      .filter((c) => /^(app|core|bot|web|infra|tests|migrations|docs|locales)\/[\w./{}, -]+$/.test(c) && !isExample(c))
      .flatMap(expand)
      .filter((f) => !f.includes('<lang>'));
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => !fs.existsSync(f))).toEqual([]);
  });

  it('cites only names the code declares', () => {
    const names = [...new Set(cited.filter((c) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(c) && !isExample(c)))].filter(
      (n) => /[A-Z]/.test(n) || /[a-z][A-Z]/.test(n),
    );
    expect(names.length).toBeGreaterThan(15);
    const declared = (n: string) =>
      tree.some((src) =>
        new RegExp(`\\b(?:interface|type|class|function|const|let|enum)\\s+${n}\\b|\\b${n}\\s*[(:=]`).test(src),
      );
    expect(names.filter((n) => !declared(n))).toEqual([]);
  });

  it('names the registry line the code has', () => {
    const registry = fs.readFileSync('bot/platforms.ts', 'utf8');
    expect(registry).toMatch(/PLATFORM_REGISTRY[^=]*=\s*\[linePlatform, telegramPlatform, discordPlatform\]/);
    expect(DOC).toContain('PLATFORM_REGISTRY = [linePlatform, telegramPlatform, discordPlatform, slackPlatform]');
  });
});
