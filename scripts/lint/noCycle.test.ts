// The cycle rule on real files in a scratch folder, and on the repository itself
// through the project's own ESLint config: a type-only cycle inside one folder
// (the kind the layer rule never sees) is caught.
import { ESLint } from 'eslint';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findCycles } from './noCycle.mjs';

const scratch: string[] = [];
afterEach(() => {
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function files(tree: Record<string, string>): (name: string) => string {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cycle-'));
  scratch.push(dir);
  for (const [name, text] of Object.entries(tree)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return (name) => join(dir, name);
}

describe('hearth/no-cycle', () => {
  it('finds a type-only cycle between two files of one folder, and only those two', () => {
    const at = files({
      'a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
      'b.ts':
        "import type { A } from './a';\nimport { c } from './c';\nexport interface B { a: A }\n",
      'c.ts': 'export const c = 1;\n',
    });
    const { inCycle } = findCycles([at('a.ts')]);
    expect([...inCycle.keys()].sort()).toEqual([at('a.ts'), at('b.ts')]);
  });

  it('finds a cycle through three files and folders, with index files and .js specifiers', () => {
    const at = files({
      'x/index.ts': "export * from '../y/one.js';\n",
      'y/one.ts': "import { z } from '../z';\nexport const one = z;\n",
      'z.ts': "import { one } from './x';\nexport const z = 1;\nexport const again = one;\n",
    });
    const { inCycle } = findCycles([at('z.ts')]);
    expect(inCycle.get(at('x/index.ts'))?.size).toBe(3);
  });

  it('leaves a chain without a way back alone', () => {
    const at = files({
      'a.ts': "import { b } from './b';\nexport const a = b;\n",
      'b.ts': "import { c } from './c';\nimport 'node:fs';\nimport 'zod';\nexport const b = c;\n",
      'c.ts': 'export const c = 1;\n',
    });
    expect(findCycles([at('a.ts')]).inCycle.size).toBe(0);
  });

  it("fails the project's lint on a type-only cycle inside a folder, naming both files", async () => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const dir = 'src/main/base';
    const a = `${dir}/cycleProbeA.ts`;
    const b = `${dir}/cycleProbeB.ts`;
    const results = await eslint.lintText(
      "import type { B } from './cycleProbeB';\nexport type A = { b?: B };\n",
      { filePath: a },
    );
    // The second file must exist for the first to reach it.
    writeFileSync(b, "import type { A } from './cycleProbeA';\nexport type B = { a?: A };\n");
    writeFileSync(a, "import type { B } from './cycleProbeB';\nexport type A = { b?: B };\n");
    try {
      const [result] = await new ESLint({ cwd: process.cwd() }).lintFiles([a]);
      const messages = result?.messages.filter((m) => m.ruleId === 'hearth/no-cycle') ?? [];
      expect(messages).toHaveLength(1);
      expect(messages[0]?.message).toMatch(/cycleProbeA\.ts imports .*cycleProbeB\.ts/);
    } finally {
      rmSync(a, { force: true });
      rmSync(b, { force: true });
    }
    // Before the partner existed there was no cycle to report.
    expect(results[0]?.messages.filter((m) => m.ruleId === 'hearth/no-cycle')).toEqual([]);
  });
});
