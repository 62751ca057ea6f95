/**
 * delivery/cwc/schema-check: checks CWC documents against the CWC 2.0 RELAX NG schema with libxml2's
 * xmllint (Debian's libxml2-utils), for the go-live check (`npm run cwc:validate`) and the tests. The
 * schema published is the House's; the Senate's documents are checked against the same schema with the
 * Senate's differences put in (office codes, prefixes, bill types, Organization from 3 characters), as
 * docs/delivery.md lists them.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { BILL_TYPES } from '../../campaign/bills';
import type { Chamber } from '../../civic-data/types';
import { SENATE_PREFIXES } from './format';

const run = promisify(execFile);

export interface SchemaResult {
  name: string;
  ok: boolean;
  /** xmllint's complaints about this document, one per line. */
  errors: string[];
}

function replaceOnce(text: string, pattern: RegExp, replacement: string, what: string): string {
  if (!pattern.test(text)) throw new Error(`the CWC schema has no ${what} where the Senate's rule goes`);
  return text.replace(pattern, replacement);
}

/** The House schema with the Senate's rules in place of the House's. */
function senateSchemaFrom(houseRng: string): string {
  let rng = replaceOnce(
    houseRng,
    /<param name="pattern">H\[A-Z\]\[A-Z\]\[0-9\]\[0-9\]<\/param>/,
    '<param name="pattern">S[A-Z][A-Z]0[1-3]</param>',
    'MemberOffice pattern',
  );
  const senatePrefixes = SENATE_PREFIXES.map((p) => `<value>${p}</value>`).join('');
  // By position, not by a lazy pattern: `[\s\S]*?` up to a closing tag is not linear (tests/security).
  const prefixAt = rng.indexOf('<element name="Prefix">');
  const prefixEnd = prefixAt < 0 ? -1 : rng.indexOf('</element>', prefixAt);
  if (prefixEnd < 0) throw new Error(`the CWC schema has no Prefix where the Senate's rule goes`);
  rng = `${rng.slice(0, prefixAt)}<element name="Prefix"><choice>${senatePrefixes}</choice></element>${rng.slice(prefixEnd + '</element>'.length)}`;
  rng = replaceOnce(
    rng,
    /<param name="pattern">hamdt\|[a-z|]+<\/param>/,
    `<param name="pattern">${Object.values(BILL_TYPES)
      .map((type) => type.replace(/\./g, '\\.'))
      .join('|')}</param>`,
    'BillTypeAbbreviation pattern',
  );
  return replaceOnce(
    rng,
    /(<element name="Organization">\s*<data type="string">\s*<param name="minLength">)6(<\/param>)/,
    '$13$2',
    'Organization length',
  );
}

/** Where Debian's libxml2-utils, or a local build, puts xmllint. */
export const XMLLINT_PATHS = ['/usr/bin/xmllint', '/usr/local/bin/xmllint'] as const;

/** Where xmllint is, or undefined when it is not installed. */
export async function findXmllint(): Promise<string | undefined> {
  for (const candidate of XMLLINT_PATHS) {
    try {
      await fs.access(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Checks each document against the House schema at `houseSchemaPath` (Senate documents against its
 * Senate form). One xmllint run per chamber; throws when xmllint is missing.
 */
export async function checkAgainstSchema(
  houseSchemaPath: string,
  documents: Array<{ name: string; chamber: Chamber; xml: string }>,
): Promise<SchemaResult[]> {
  const xmllint = await findXmllint();
  if (!xmllint) throw new Error('xmllint is not installed (Debian/Ubuntu: apt-get install libxml2-utils)');
  const house = await fs.readFile(houseSchemaPath, 'utf8');
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cwc-schema-'));
  try {
    // One result per document, in the order given, whatever order the files are written in.
    const checks = documents.map((doc, i) => ({
      doc,
      file: path.join(dir, `${doc.chamber}-${i}.xml`),
      result: { name: doc.name, ok: false, errors: [] as string[] },
    }));
    for (const chamber of ['house', 'senate'] as const) {
      const files = checks.filter(({ doc }) => doc.chamber === chamber);
      if (files.length === 0) continue;
      const schema = path.join(dir, `${chamber}.rng`);
      await fs.writeFile(schema, chamber === 'house' ? house : senateSchemaFrom(house));
      await Promise.all(files.map(({ doc, file }) => fs.writeFile(file, doc.xml)));
      let stderr: string;
      try {
        ({ stderr } = await run(xmllint, ['--noout', '--relaxng', schema, ...files.map((f) => f.file)], {
          maxBuffer: 64 * 1024 * 1024,
        }));
      } catch (error) {
        stderr = (error as { stderr?: string }).stderr ?? String(error);
      }
      for (const line of stderr.split('\n')) {
        const check = files.find(({ file }) => line.startsWith(`${file}:`) || line.startsWith(`${file} `));
        if (!check) continue;
        if (line === `${check.file} validates`) check.result.ok = true;
        else if (line !== `${check.file} fails to validate`) {
          check.result.errors.push(line.slice(check.file.length + 1));
        }
      }
    }
    return checks.map((check) => check.result);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
