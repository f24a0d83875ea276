import { readFileSync } from 'node:fs';
import { ESLint, RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { isSecretName, secretCompareRule } from './secretCompare.mjs';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

// The TypeScript parser, as the repository's files are linted: casts and `!` must not hide a name.
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });
const flagged = /looks like a secret and is compared with/;

tester.run('hearth/secret-compare', secretCompareRule, {
  valid: [
    // The constant-time way.
    'const same = timingSafeEqual(digest(candidate), this.digest);',
    // Whether there is one at all, not what it is.
    'if (token === undefined) refuse();',
    'if (pinHash === undefined || pinHash === "") disable();',
    'const set = typeof secret === "string";',
    'if (key !== null && key.length === expected.length) check();',
    // An errno or a status, compared with a literal.
    "if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;",
    'if (res.statusCode !== 200) fail();',
    // Names that only contain the letters of a secret word.
    'if (spinner === current) stop();',
    'if (mapping === other) merge();',
    'if (opinion !== answer) argue();',
    'if (a.length === b.size) go();',
    'if (left.equals(right)) same();',
    'const order = Buffer.compare(a, b);',
  ],
  invalid: [
    {
      code: 'const ok = candidate === code;',
      errors: [{ message: /"code" looks like a secret and is compared with ===/ }],
    },
    { code: 'if (token !== stored) refuse();', errors: [{ message: flagged }] },
    { code: 'if (given == pin) open();', errors: [{ message: flagged }] },
    { code: 'const same = hash(a) === expectedHash;', errors: [{ message: flagged }] },
    { code: 'if (secret !== this.#keys.secretHash) refuse();', errors: [{ message: flagged }] },
    { code: 'class C { #digest = ""; is(d) { return d === this.#digest; } }', errors: 1 },
    { code: 'if (req.query!.code === current) pair();', errors: [{ message: flagged }] },
    { code: 'if ((x as string) === resumeSecret) resume();', errors: [{ message: flagged }] },
    { code: 'if (session["deviceToken"] === sent) ok();', errors: [{ message: flagged }] },
    { code: 'if (PAIRING_CODE === guess) ok();', errors: [{ message: flagged }] },
    { code: 'if (digest(a) === digest(b)) ok();', errors: [{ message: flagged }] },
    {
      code: 'const same = digest(candidate).equals(this.digest);',
      errors: [{ message: /"digest" looks like a secret and is compared with equals\(\)/ }],
    },
    { code: 'if (Buffer.compare(tokenHash, sent) === 0) ok();', errors: 1 },
  ],
});

describe('which names count as secret', () => {
  it('splits camelCase and snake_case into words and matches whole words', () => {
    const secret = ['code', 'pairingCode', 'pinHash', 'resumeSecret', 'DEVICE_TOKEN', 'tokens'];
    const plain = ['spinner', 'mapping', 'opinion', 'hashtag', 'tokenizer', 'decoder', 'length'];
    expect(secret.filter(isSecretName)).toEqual(secret);
    expect(plain.filter(isSecretName)).toEqual([]);
  });
});

describe('the repository config', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const errorsIn = async (filePath: string, code: string): Promise<string[]> => {
    const [result] = await eslint.lintText(code, { filePath });
    return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
  };

  it('catches the pairing code compared with === or equals() instead of timingSafeEqual', async () => {
    const path = 'src/main/pairing/pairingCode.ts';
    const source = readFileSync(path, 'utf8');
    const constantTime = 'timingSafeEqual(digest(candidate), this.#digest)';
    expect(source).toContain(constantTime);
    expect(await errorsIn(path, source)).not.toContain('hearth/secret-compare');
    for (const mutant of [
      'digest(candidate) === this.#digest',
      'digest(candidate).equals(this.#digest)',
    ]) {
      const errors = await errorsIn(path, source.replace(constantTime, mutant));
      expect(errors, mutant).toContain('hearth/secret-compare');
    }
  });

  it.each([
    'src/main/pairing/ownerSecret.ts',
    'src/main/server/ownerRoutes.ts',
    'src/main/server/pairingRoutes.ts',
    'src/main/kioskExit/kioskPin.ts',
    'src/main/kioskExit/kioskPinGate.ts',
  ])('applies to %s', async (path) => {
    const code =
      'export const same = (secret: string, sent: string): boolean => sent === secret;\n';
    expect(await errorsIn(path, code)).toContain('hearth/secret-compare');
  });
});
