/**
 * storage/row-inserts: runs the hot multi-row INSERTs (a submission's letters and actions) with SQL text
 * compiled once per shape. Kysely builds and compiles a query on every execute; for three letters of 28
 * columns that parsing and compiling was about a tenth of a letter submission's CPU.
 *
 * Safe by construction: the SQL of a shape (statement, column list, row count, dialect) is reused only if
 * its first compilation bound exactly the rows' values in row-then-column order, and only rows of plain
 * values (string, number, bigint, null) with the same columns take this path; anything else is compiled by
 * Kysely as usual.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';

type AnyDb = Pick<Kysely<unknown>, 'executeQuery' | 'getExecutor'>;
type Row = Readonly<Record<string, unknown>>;

/** Per dialect adapter (one per database; shared by its transactions): shape key to SQL, or null. */
const compiledShapes = new WeakMap<object, Map<string, string | null>>();
const MAX_SHAPES = 200;

function isPlainValue(value: unknown): boolean {
  return (
    value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint'
  );
}

/** The rows' values, row by row in `columns` order, or undefined when a row does not fit the shape. */
function valuesInOrder(rows: readonly Row[], columns: readonly string[]): unknown[] | undefined {
  const values: unknown[] = [];
  for (const row of rows) {
    let count = 0;
    for (const key in row) {
      if (Object.hasOwn(row, key)) count++;
    }
    if (count !== columns.length) return undefined;
    for (const column of columns) {
      const value = row[column];
      if (!Object.hasOwn(row, column) || !isPlainValue(value)) return undefined;
      values.push(value);
    }
  }
  return values;
}

function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((value, i) => Object.is(value, b[i]));
}

/**
 * Executes `build()` (an INSERT of `rows`, with whatever ON CONFLICT or RETURNING it adds): compiled by
 * Kysely the first time for each `statement` name, column list and row count, from the cached SQL after.
 */
export async function executeRowInsert<O>(
  db: AnyDb,
  statement: string,
  rows: readonly object[],
  build: () => Compilable<O>,
): Promise<QueryResult<O>> {
  const columns = rows.length > 0 ? Object.keys(rows[0]!) : [];
  const values = rows.length > 0 ? valuesInOrder(rows as readonly Row[], columns) : undefined;
  if (!values) return db.executeQuery(build());

  const adapter = db.getExecutor().adapter;
  let shapes = compiledShapes.get(adapter);
  if (!shapes) {
    shapes = new Map();
    compiledShapes.set(adapter, shapes);
  }
  const key = `${statement}\u0000${rows.length}\u0000${columns.join('\u0000')}`;
  const cached = shapes.get(key);
  if (cached === undefined) {
    const compiled = build().compile();
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(key, sameValues(compiled.parameters, values) ? compiled.sql : null);
    return db.executeQuery(compiled);
  }
  if (cached === null) return db.executeQuery(build());
  return db.executeQuery(CompiledQuery.raw(cached, values) as CompiledQuery<O>);
}
