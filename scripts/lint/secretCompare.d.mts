import type { Rule } from 'eslint';

export const secretCompareRule: Rule.RuleModule;
export function wordsOf(name: string): string[];
export function isSecretName(name: string): boolean;
