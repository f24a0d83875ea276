// ESLint rule `hearth/no-cycle`: no file may reach itself through its relative
// imports, type-only imports included, inside a folder as well as across
// folders (the layer rule sees only imports that cross a layer). A cycle makes
// load order fragile and means two files are one concern split in two; type-only
// cycles count too, because they tie the two files' designs together the same way.
//
// The import graph is read with TypeScript's own scanner (ts.preProcessFile),
// once per file per lint run, and cycles are found as strongly connected
// components (Tarjan). Each file of a cycle reports at its import that leads into it.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.mjs', '.js'];

/** The file a relative import names, as TypeScript and the bundler resolve it. */
export function resolveImport(fromFile, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = resolve(dirname(fromFile), spec);
  const candidates = [
    base,
    ...EXTENSIONS.map((ext) => base + ext),
    // `./x.js` written for a `./x.ts` file.
    ...(/\.[cm]?js$/.test(base) ? [base.replace(/\.([cm]?)js$/, '.$1ts')] : []),
    ...EXTENSIONS.map((ext) => resolve(base, `index${ext}`)),
  ];
  return candidates.find((path) => existsSync(path) && statSync(path).isFile());
}

/** The relative imports of a file, resolved: [{ spec, target }]. */
function importsOf(file, text = readFileSync(file, 'utf8')) {
  const { importedFiles } = ts.preProcessFile(text, true, true);
  const found = [];
  for (const { fileName } of importedFiles) {
    const target = resolveImport(file, fileName);
    if (target) found.push({ spec: fileName, target });
  }
  return found;
}

/** Files in a cycle (a strongly connected component of more than one file, or a self-import). */
export function findCycles(entries, readImports = importsOf, edges = new Map()) {
  const pending = [...entries];
  while (pending.length > 0) {
    const file = pending.pop();
    if (edges.has(file)) continue;
    const out = readImports(file);
    edges.set(file, out);
    for (const { target } of out) if (!edges.has(target)) pending.push(target);
  }
  // Tarjan's algorithm, iterative so a deep graph cannot overflow the stack.
  const index = new Map();
  const low = new Map();
  const onStack = new Set();
  const stack = [];
  const inCycle = new Map();
  let next = 0;
  for (const start of edges.keys()) {
    if (index.has(start)) continue;
    const work = [{ file: start, edge: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const out = edges.get(frame.file) ?? [];
      if (frame.edge < out.length) {
        const { target } = out[frame.edge++];
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push({ file: target, edge: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.file, Math.min(low.get(frame.file), index.get(target)));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.file, Math.min(low.get(parent.file), low.get(frame.file)));
      if (low.get(frame.file) !== index.get(frame.file)) continue;
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.file);
      const selfImport = (edges.get(frame.file) ?? []).some((e) => e.target === frame.file);
      if (component.length > 1 || selfImport) {
        for (const file of component) inCycle.set(file, new Set(component));
      }
    }
  }
  return { edges, inCycle };
}

/** One graph per lint run: every file ESLint asks about is added to it on first sight. */
let cache;

export const noCycleRule = {
  meta: {
    type: 'problem',
    docs: { description: 'No file reaches itself through its imports (type-only imports too)' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    if (!EXTENSIONS.some((ext) => file.endsWith(ext))) return {};
    // The file being linted is read as ESLint has it; files already read are not read
    // again, and the components are worked out afresh only when this file's imports changed.
    const mine = importsOf(file, context.sourceCode.text);
    const known = cache?.edges.get(file);
    const same =
      known && known.map((e) => e.target).join('\n') === mine.map((e) => e.target).join('\n');
    if (!same) {
      const edges = cache?.edges ?? new Map();
      edges.set(file, mine);
      cache = findCycles(
        mine.map((e) => e.target),
        importsOf,
        edges,
      );
    }
    const cycle = cache.inCycle.get(file);
    if (!cycle) return {};
    const root = context.cwd;
    const name = (path) => relative(root, path).split('\\').join('/');
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      const target = resolveImport(file, spec);
      if (!target || !cycle.has(target)) return;
      const members = [...cycle].map(name).sort().join(', ');
      context.report({
        node,
        message: `Import cycle: ${name(file)} imports ${name(target)}, which leads back (${members}). Move what both need into a third file.`,
      });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    };
  },
};
