import type { Rule } from 'eslint';

declare const plugin: {
  rules: Record<'layers' | 'secret-compare' | 'no-cycle', Rule.RuleModule>;
};
export default plugin;
