import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import {
  BILL_STATUS_FILE,
  importBillStatus,
  loadBillStatus,
  parseBillStatusXml,
} from '../../src/civic-data/bill-status';
import { updateSponsorRolls } from '../../src/campaign/sponsors';
import { loadDataUpdateConfig } from '../../src/config/config';
import { CANONICAL_SOURCE_URLS } from '../../src/config/config';
import { DataError } from '../../src/platform/errors';

const FIXTURES = path.resolve(__dirname, '..', 'fixtures', 'billstatus');
const S1829 = { congress: 119, type: 's', number: 1829 };
const HR3921 = { congress: 119, type: 'hr', number: 3921 };
const NOW = new Date('2026-11-28T12:00:00Z');
const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'dc-bill-status-'));

describe('BILLSTATUS XML', () => {
  test('when the Senate file is read, then the sponsor dates from introduction, cosponsors from signing, withdrawals kept', () => {
    const xml = fs.readFileSync(path.join(FIXTURES, 'BILLSTATUS-119s1829.xml'), 'utf8');
    const { entries, asOf, latestAction } = parseBillStatusXml(xml, S1829, 'fixture');
    expect(asOf).toBe('2025-12-10');
    expect(latestAction).toEqual({
      date: '2025-12-09',
      text: 'Objection heard to the request to pass the bill by unanimous consent.',
    });
    expect(entries).toEqual([
      { bioguide: 'D000563', role: 'sponsor', since: '2025-05-21' },
      { bioguide: 'H001089', role: 'cosponsor', since: '2025-05-21' },
      { bioguide: 'X000001', role: 'cosponsor', since: '2025-06-12', withdrawn: '2025-09-02' },
    ]);
  });

  test('when a file holds another bill or is not XML, then a DataError names it', () => {
    const xml = fs.readFileSync(path.join(FIXTURES, 'BILLSTATUS-119hr3921.xml'), 'utf8');
    expect(() => parseBillStatusXml(xml, S1829, 'wrong.xml')).toThrow(/wrong\.xml: holds 119-hr-3921/);
    expect(() => parseBillStatusXml('<billStatus>', S1829, 'bad.xml')).toThrow(DataError);
  });
});

describe('importBillStatus', () => {
  test('when offline with a folder holding the files, then bill-status.json is written with its dates and read back', async () => {
    const outDir = tempDir();
    const result = await importBillStatus({
      bills: [S1829, HR3921],
      outDir,
      from: FIXTURES,
      now: NOW,
      urls: CANONICAL_SOURCE_URLS,
    });
    expect(result).toMatchObject({ bills: 2, missing: [] });
    const loaded = loadBillStatus(outDir);
    expect(loaded.get('119-hr-3921')).toMatchObject({
      asOf: '2025-11-20',
      importedAt: NOW.toISOString(),
      entries: [
        { bioguide: 'M001212', role: 'sponsor', since: '2025-06-11' },
        { bioguide: 'G000587', role: 'cosponsor', since: '2025-06-11' },
      ],
    });
  });

  test('when offline without the files, then the bills are listed as missing and nothing is made up', async () => {
    const outDir = tempDir();
    const result = await importBillStatus({
      bills: [S1829],
      outDir,
      from: tempDir(),
      now: NOW,
      urls: CANONICAL_SOURCE_URLS,
    });
    expect(result).toMatchObject({ bills: 0, missing: ['119-s-1829'] });
    expect(loadBillStatus(outDir).size).toBe(0);
    expect(loadBillStatus(tempDir()).size).toBe(0);
    expect(fs.existsSync(path.join(outDir, BILL_STATUS_FILE))).toBe(true);
  });

  test('when online, then govinfo bulk data is fetched from its BILLSTATUS path, or the congress.gov API with a key', async () => {
    const seen: string[] = [];
    const keysInHeader: string[] = [];
    const server = http.createServer((req, res) => {
      seen.push(req.url ?? '');
      if (req.headers['x-api-key']) keysInHeader.push(String(req.headers['x-api-key']));
      if (req.url?.startsWith('/bulk/119/s/BILLSTATUS-119s1829.xml')) {
        res.setHeader('content-type', 'application/xml');
        res.end(fs.readFileSync(path.join(FIXTURES, 'BILLSTATUS-119s1829.xml')));
      } else if (req.url?.startsWith('/v3/bill/119/hr/3921/cosponsors')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            cosponsors: [
              { bioguideId: 'G000587', sponsorshipDate: '2025-06-11', isOriginalCosponsor: true },
              {
                bioguideId: 'K000385',
                sponsorshipDate: '2025-07-01',
                sponsorshipWithdrawnDate: '2025-08-01',
                isOriginalCosponsor: false,
              },
            ],
            pagination: { count: 1 },
          }),
        );
      } else if (req.url?.startsWith('/v3/bill/119/hr/3921')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            bill: {
              introducedDate: '2025-06-11',
              updateDate: '2025-11-20T10:11:12Z',
              sponsors: [{ bioguideId: 'M001212' }],
              latestAction: {
                actionDate: '2025-06-11',
                text: 'Referred to the House Committee on the Judiciary.',
              },
            },
          }),
        );
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const outDir = tempDir();
      await importBillStatus({
        bills: [S1829],
        outDir,
        now: NOW,
        urls: { ...CANONICAL_SOURCE_URLS, govinfoBillStatus: `${base}/bulk` },
      });
      expect(loadBillStatus(outDir).get('119-s-1829')?.entries).toHaveLength(3);
      expect(loadBillStatus(outDir).get('119-s-1829')?.latestAction?.date).toBe('2025-12-09');
      await importBillStatus({
        bills: [HR3921],
        outDir,
        now: NOW,
        congressGovApiKey: 'test-key-123',
        urls: { ...CANONICAL_SOURCE_URLS, congressGovApi: `${base}/v3` },
      });
      expect(loadBillStatus(outDir).get('119-hr-3921')).toMatchObject({
        source: { name: 'congress.gov API' },
        asOf: '2025-11-20',
        latestAction: { date: '2025-06-11', text: 'Referred to the House Committee on the Judiciary.' },
        entries: [
          { bioguide: 'M001212', role: 'sponsor', since: '2025-06-11' },
          { bioguide: 'G000587', role: 'cosponsor', since: '2025-06-11' },
          { bioguide: 'K000385', role: 'cosponsor', since: '2025-07-01', withdrawn: '2025-08-01' },
        ],
      });
      // The key travels in a header, never in a URL that an error or a log could repeat.
      expect(keysInHeader).toEqual(['test-key-123', 'test-key-123']);
      expect(seen.filter((u) => u.includes('test-key-123'))).toEqual([]);
      await expect(
        importBillStatus({
          bills: [HR3921],
          outDir,
          now: NOW,
          urls: { ...CANONICAL_SOURCE_URLS, govinfoBillStatus: `${base}/bulk` },
        }),
      ).rejects.toThrow(/answered 404/);
    } finally {
      server.close();
    }
  });
});

describe('a failing bill-status service', () => {
  const KEY = 'secret-key-9f8e7d';

  /** The error of an import of H.R. 3921 through the congress.gov API, served by `handler`. */
  async function importFailure(
    handler: http.RequestListener,
    timeoutMs?: number,
  ): Promise<{ error: Error; base: string }> {
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const attempt = importBillStatus({
        bills: [HR3921],
        outDir: tempDir(),
        congressGovApiKey: KEY,
        urls: { ...CANONICAL_SOURCE_URLS, congressGovApi: `${base}/v3` },
        ...(timeoutMs ? { timeoutMs } : {}),
      });
      return { error: (await attempt.catch((e: unknown) => e)) as Error, base };
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }

  test('when the congress.gov API answers 500, then the error names the URL and never the key', async () => {
    const { error, base } = await importFailure((_req, res) => {
      res.statusCode = 500;
      res.end('upstream trouble');
    });
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(`119-hr-3921: ${base}/v3/bill/119/hr/3921?format=json answered 500`);
    expect(error.message).not.toContain(KEY);
    expect(error.message).not.toContain('api_key');
  });

  test('when the service never answers, then the request gives up after its time limit, naming the URL without the key', async () => {
    let requests = 0;
    const { error, base } = await importFailure(() => {
      requests++; // never answers
    }, 200);
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(
      `119-hr-3921: ${base}/v3/bill/119/hr/3921?format=json did not answer within 0.2 s`,
    );
    expect(error.message).not.toContain(KEY);
    expect(requests).toBe(1);
  });
});

describe('the data:update step', () => {
  test('when run offline over a folder with the files, then every campaign bill is imported', async () => {
    const outDir = tempDir();
    const summary = await updateSponsorRolls({
      from: FIXTURES,
      outDir,
      config: loadDataUpdateConfig({ CAMPAIGNS_DIR: path.resolve(__dirname, '..', '..', 'campaigns') }),
      now: NOW,
    });
    expect(summary).toBe('2 bill(s)');
    expect([...loadBillStatus(outDir).keys()].sort()).toEqual(['119-hr-3921', '119-s-1829']);
  });
});
