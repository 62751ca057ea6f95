/**
 * Every regular expression in src/ runs in linear time (issue 28: one address froze the server for 38
 * minutes). recheck, a ReDoS checker that runs offline, analyses each pattern literal found in the source
 * and the Zod email pattern the letter form runs; a pattern built at run time (`new RegExp`) cannot be
 * checked this way, so src/ has none. The ESLint rules regexp/no-super-linear-backtracking and
 * regexp/no-super-linear-move check the same at lint time; recheck also catches what they cannot see
 * (patterns it cannot turn into an automaton are fuzzed).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkSync } from 'recheck';
import ts from 'typescript';
import { z } from 'zod';

const SRC = path.join(__dirname, '..', '..', 'src');

interface Found {
  where: string;
  source: string;
  flags: string;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory()
        ? sourceFiles(path.join(dir, e.name))
        : e.name.endsWith('.ts')
          ? [path.join(dir, e.name)]
          : [],
    );
}

/** Pattern literals and `new RegExp(...)`/`RegExp(...)` calls in one file. */
function patternsIn(file: string): { literals: Found[]; built: string[] } {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const literals: Found[] = [];
  const built: string[] = [];
  const where = (node: ts.Node) =>
    `${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node) => {
    if (ts.isRegularExpressionLiteral(node)) {
      const end = node.text.lastIndexOf('/');
      literals.push({ where: where(node), source: node.text.slice(1, end), flags: node.text.slice(end + 1) });
    } else if (
      (ts.isNewExpression(node) || ts.isCallExpression(node)) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'RegExp'
    ) {
      built.push(where(node));
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return { literals, built };
}

const scanned = sourceFiles(SRC).map(patternsIn);

/**
 * A fixed seed for the fuzzer and no time limits (only step limits): the verdict depends on the pattern,
 * not on how busy the machine is.
 */
const RECHECK = {
  timeout: null,
  attackTimeout: null,
  incubationTimeout: null,
  seedingTimeout: null,
  randomSeed: 28,
} as const;

describe('regular expressions in src/', () => {
  test('when the source is scanned, then it finds the patterns (the scan itself works)', () => {
    const literals = scanned.flatMap((s) => s.literals);
    expect(literals.length).toBeGreaterThan(100);
    expect(literals.some((l) => l.where.startsWith(path.join('lookup', 'address.ts')))).toBe(true);
  });

  test('when src/ is scanned, then no pattern is built at run time, where no checker can see it', () => {
    expect(scanned.flatMap((s) => s.built)).toEqual([]);
  });

  test('when recheck analyses every pattern and the Zod email pattern, then each is linear', () => {
    const patterns: Found[] = [
      ...scanned.flatMap((s) => s.literals),
      { where: 'zod z.email()', source: z.regexes.email.source, flags: z.regexes.email.flags },
    ];
    const distinct = new Map(patterns.map((p) => [`/${p.source}/${p.flags}`, p]));
    const notSafe = [...distinct.values()].flatMap((p) => {
      const result = checkSync(p.source, p.flags, RECHECK);
      if (result.status === 'safe') return [];
      const why = result.status === 'vulnerable' ? result.complexity.type : result.error.kind;
      return [`${p.where} /${p.source}/${p.flags}: ${result.status} (${why})`];
    });
    expect(notSafe).toEqual([]);
  }, 600_000);

  test('when recheck is given the old street/city pattern, then it reports it exponential (the check works)', () => {
    const oldStreetThenCity =
      "^(.*\\b(?:St|Ave)\\.?(?:\\s+(?:N|S|E|W)\\b\\.?)?(?:\\s+(?:Apt|Unit|#)\\.?\\s*#?\\s*[\\w-]+)*)\\s+([A-Za-z][A-Za-z .'-]*)$";
    const result = checkSync(oldStreetThenCity, 'i', RECHECK);
    expect(result.status).toBe('vulnerable');
  }, 60_000);
});
