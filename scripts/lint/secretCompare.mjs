// ESLint rule `hearth/secret-compare`: a pairing code, token, PIN, secret or
// hash is never compared with === or !== (nor == / !=). Those stop at the first
// differing character, so how long a refusal takes tells an attacker how much
// of a guess was right; compare digests of equal length with
// crypto.timingSafeEqual instead. No behaviour test can tell the two apart,
// which is why a lint rule guards it (a mutation from timingSafeEqual to ===
// survived every test).
//
// Buffer's equals() and Buffer.compare() stop early the same way and are
// flagged too when a side is named like a secret.
//
// A side counts as secret when its name (a variable, parameter or property,
// private ones too) has a word that is one of those: names are split at
// camelCase and snake_case boundaries, so `pinHash`, `resumeSecret` and
// `this.#digest` count, `spinner` and `mapping` do not. Comparing with a
// literal, undefined or a typeof is not flagged: `token === undefined` asks
// whether there is one, `error.code === 'ENOENT'` reads an errno.

const SECRET_WORD = /^(?:(?:pass)?code|secret|token|pin|hash|digest|password)s?$/i;

/** The words of an identifier: fooBarBaz, foo_bar, FOO_BAR, pairingCode2 -> [foo, bar, baz, …]. */
export function wordsOf(name) {
  return name
    .replace(/^#/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_$\d]+/)
    .filter(Boolean);
}

export function isSecretName(name) {
  return wordsOf(name).some((word) => SECRET_WORD.test(word));
}

/** What an expression is called, through casts, `!` and parentheses; undefined for anything else. */
function nameOf(node) {
  switch (node.type) {
    case 'Identifier':
      return node.name;
    case 'PrivateIdentifier':
      return node.name;
    case 'MemberExpression':
      if (!node.computed) return nameOf(node.property);
      return node.property.type === 'Literal' && typeof node.property.value === 'string'
        ? node.property.value
        : undefined;
    case 'CallExpression':
      // digest(candidate), hashOf(pin): what a call returns is named after its function.
      return nameOf(node.callee);
    case 'TSAsExpression':
    case 'TSNonNullExpression':
    case 'TSSatisfiesExpression':
    case 'TSTypeAssertion':
    case 'ChainExpression':
      return nameOf(node.expression);
    default:
      return undefined;
  }
}

/** A side that is a constant, not a secret: a literal, undefined, or a typeof / void. */
function isConstant(node) {
  switch (node.type) {
    case 'Literal':
      return true;
    case 'TemplateLiteral':
      return node.expressions.length === 0;
    case 'Identifier':
      return node.name === 'undefined';
    case 'UnaryExpression':
      return node.operator === 'typeof' || node.operator === 'void';
    default:
      return false;
  }
}

const EQUALITY = new Set(['===', '!==', '==', '!=']);

/** The side's name when it is named like a secret (calls by their function: `hash(pin)`). */
function secretNameOf(node) {
  const name = nameOf(node);
  return name !== undefined && isSecretName(name) ? name : undefined;
}

/** `a.equals(b)` and `Buffer.compare(a, b)`: byte comparisons that stop at the first difference. */
function comparedByCall(node) {
  const callee = node.callee;
  if (callee.type !== 'MemberExpression' || callee.computed) return undefined;
  const method = callee.property.name;
  if (method === 'equals' && node.arguments.length === 1) {
    return [callee.object, node.arguments[0]];
  }
  if (
    method === 'compare' &&
    callee.object.type === 'Identifier' &&
    callee.object.name === 'Buffer'
  ) {
    return node.arguments.slice(0, 2);
  }
  return undefined;
}

export const secretCompareRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Secrets are compared in constant time, never with === or !==' },
    schema: [],
  },
  create(context) {
    return {
      BinaryExpression(node) {
        if (!EQUALITY.has(node.operator)) return;
        if (isConstant(node.left) || isConstant(node.right)) return;
        const secret = [node.left, node.right].map(secretNameOf).find((n) => n !== undefined);
        if (secret === undefined) return;
        context.report({
          node,
          message:
            `"${secret}" looks like a secret and is compared with ${node.operator}, which takes ` +
            'longer the more of it matches. Hash both sides (equal-length digests) and compare ' +
            'them with crypto.timingSafeEqual.',
        });
      },
      CallExpression(node) {
        const sides = comparedByCall(node);
        const secret = sides?.map(secretNameOf).find((name) => name !== undefined);
        if (secret === undefined) return;
        context.report({
          node,
          message:
            `"${secret}" looks like a secret and is compared with ${node.callee.property.name}(), ` +
            'which stops at the first differing byte. Compare equal-length digests with ' +
            'crypto.timingSafeEqual.',
        });
      },
    };
  },
};
