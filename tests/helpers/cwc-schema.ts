/**
 * The CWC 2.0 RELAX NG schema for the tests: read where the project's shared material sits beside the
 * checkout (`../shared/cwc/`, or beside CIVIC_DATA_FROM's folder, or CWC_SCHEMA), never copied into the
 * repository. Without it, or without xmllint, the schema checks print a SKIPPED line instead of passing
 * silently; under CI a missing xmllint fails (.ci/run installs libxml2-utils).
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkAgainstSchema, XMLLINT_PATHS, type SchemaResult } from '../../src/delivery/cwc/schema-check';
import { chamberOfOffice } from '../../src/delivery/cwc/format';

const FILE = 'cwc-2.0-house.rng';

export function cwcSchemaPath(): string | undefined {
  const candidates = [
    process.env.CWC_SCHEMA,
    path.resolve(__dirname, '..', '..', '..', 'shared', 'cwc', FILE),
    process.env.CIVIC_DATA_FROM ? path.resolve(process.env.CIVIC_DATA_FROM, '..', 'cwc', FILE) : undefined,
  ];
  return candidates.find((c): c is string => c !== undefined && fs.existsSync(c));
}

/**
 * Why the schema checks cannot run here, or undefined when they can (the schema and xmllint are both
 * here). Under CI a missing xmllint beside the schema is an error: .ci/run installs libxml2-utils.
 */
function whySchemaChecksCannotRun(): string | undefined {
  const schema = cwcSchemaPath();
  const xmllint = XMLLINT_PATHS.some((p) => {
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
  if (schema && xmllint) return undefined;
  if (schema && process.env.CI) throw new Error('xmllint is missing: .ci/run installs libxml2-utils');
  return schema ? 'xmllint is not installed' : `no ${FILE} in ../shared/cwc`;
}

let announced = false;

/** Whether the schema checks can run here; prints SKIPPED once when they cannot. */
export async function schemaCheckAvailable(): Promise<boolean> {
  const why = whySchemaChecksCannotRun();
  if (why === undefined) return true;
  if (!announced) {
    announced = true;
    console.log(`SKIPPED: CWC schema checks (${why})`);
  }
  return false;
}

function officeOfXml(xml: string): string {
  return /<MemberOffice>([^<]*)<\/MemberOffice>/.exec(xml)?.[1] ?? '';
}

/**
 * `test` where the schema and xmllint are here, else `test.skip` (Jest reports it skipped, with the
 * SKIPPED line), for a test whose only subject is the schema's verdict.
 */
export function testWithCwcSchema(name: string, fn: () => Promise<void>, timeout?: number): void {
  const why = whySchemaChecksCannotRun();
  if (why === undefined) {
    test(name, fn, timeout);
    return;
  }
  console.log(`SKIPPED: ${name} (${why})`);
  test.skip(name, fn, timeout);
}

/** Each document checked against the schema (Senate documents against its Senate form). */
export async function schemaResults(
  documents: Array<{ name: string; xml: string }>,
): Promise<SchemaResult[] | undefined> {
  if (!(await schemaCheckAvailable())) return undefined;
  return checkAgainstSchema(
    cwcSchemaPath()!,
    documents.map((d) => ({ ...d, chamber: chamberOfOffice(officeOfXml(d.xml)) })),
  );
}

/** Fails the test with xmllint's words when a document is not valid; a SKIPPED line without the schema. */
export async function expectSchemaValid(documents: Array<{ name: string; xml: string }>): Promise<void> {
  const results = await schemaResults(documents);
  if (!results) return;
  const invalid = results.filter((r) => !r.ok);
  expect(invalid).toEqual([]);
  expect(results).toHaveLength(documents.length);
}
