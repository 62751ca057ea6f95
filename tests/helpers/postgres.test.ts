/** The PostgreSQL test helper: no server fails the test, unless SKIP_POSTGRES=1 says to skip. */
type Helper = typeof import('./postgres');

/** The helper as loaded with TEST_DATABASE_URL pointing at a port where nothing listens. */
function helperWithoutServer(): Helper {
  const saved = process.env.TEST_DATABASE_URL;
  process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:1/postgres';
  try {
    let helper: Helper | undefined;
    jest.isolateModules(() => {
      helper = jest.requireActual<Helper>('./postgres');
    });
    return helper!;
  } finally {
    if (saved === undefined) delete process.env.TEST_DATABASE_URL;
    else process.env.TEST_DATABASE_URL = saved;
  }
}

async function withSkipPostgres<T>(value: string | undefined, run: () => Promise<T>): Promise<T> {
  const saved = process.env.SKIP_POSTGRES;
  if (value === undefined) delete process.env.SKIP_POSTGRES;
  else process.env.SKIP_POSTGRES = value;
  try {
    return await run();
  } finally {
    if (saved === undefined) delete process.env.SKIP_POSTGRES;
    else process.env.SKIP_POSTGRES = saved;
  }
}

describe('createTestPostgres', () => {
  test('when no server answers, then it throws, naming SKIP_POSTGRES', async () => {
    const { createTestPostgres } = helperWithoutServer();
    await withSkipPostgres(undefined, () =>
      expect(createTestPostgres()).rejects.toThrow(/need a server.*SKIP_POSTGRES=1/s),
    );
  });
});

describe('describePostgres', () => {
  test('when SKIP_POSTGRES=1, then the suite is declared skipped (so Jest reports it skipped) and a SKIPPED line says so', async () => {
    const { describePostgres } = helperWithoutServer();
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const skip = jest.spyOn(describe, 'skip').mockImplementation(() => undefined);
    try {
      await withSkipPostgres('1', async () => describePostgres('a PostgreSQL suite', () => undefined));
      expect(skip).toHaveBeenCalledWith('a PostgreSQL suite', expect.any(Function));
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('SKIPPED: a PostgreSQL suite'));
    } finally {
      skip.mockRestore();
      warn.mockRestore();
    }
  });
});
