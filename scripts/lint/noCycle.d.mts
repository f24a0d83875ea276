import type { Rule } from 'eslint';

export interface ImportEdge {
  spec: string;
  target: string;
}

export function resolveImport(fromFile: string, spec: string): string | undefined;

export function findCycles(
  entries: string[],
  readImports?: (file: string) => ImportEdge[],
  edges?: Map<string, ImportEdge[]>,
): { edges: Map<string, ImportEdge[]>; inCycle: Map<string, Set<string>> };

export const noCycleRule: Rule.RuleModule;
