/**
 * The lookup page ranks a split ZIP's districts by their share of its land and says so, from an index built
 * with the Census CD-ZCTA relationship file (tests/fixtures/civic/census).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { importCivicData } from '../../src/civic-data/import';
import { relationshipFileName } from '../../src/civic-data/zip-table-import';
import {
  FIXTURES_DIR,
  TEST_NOW,
  copyFixtureSources,
  editManifest,
  makeTempDir,
  removeDir,
} from '../fixtures/civic/mirror';
import { createTestApp, type TestApp } from '../helpers/app';

describe('the lookup page with overlap shares', () => {
  let source: string;
  let data: string;
  let t: TestApp;

  beforeAll(async () => {
    source = await copyFixtureSources({ zccd: false });
    data = await makeTempDir('zip-shares-');
    await fs.mkdir(path.join(source, 'census'));
    await fs.copyFile(
      path.join(FIXTURES_DIR, 'census', relationshipFileName(119)),
      path.join(source, 'census', relationshipFileName(119)),
    );
    await editManifest(source, { zips: { records: 6 } });
    await importCivicData({ from: source, outDir: data, now: TEST_NOW });
    t = await createTestApp({ DATA_DIR: data });
  });
  afterAll(async () => {
    await t.close();
    await removeDir(source);
    await removeDir(data);
  });

  test('when a ZIP is split, then the page says which district has most of it and shows each share', async () => {
    const page = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '10001' })
      .expect(200);
    expect(page.text).toContain('Most of ZIP code 10001 (75% of its land) is in NY district 12');
    const twelve = page.text.indexOf('id="district-NY-12"');
    const ten = page.text.indexOf('id="district-NY-10"');
    expect(twelve).toBeGreaterThan(0);
    expect(ten).toBeGreaterThan(twelve);
    expect(page.text).toContain('(75% of the ZIP code&#x27;s land)');
    expect(page.text).toContain('(25% of the ZIP code&#x27;s land)');
  });

  test('when the ZIP lies in one district, then no share is shown', async () => {
    const page = await request(t.app)
      .get('/campaigns/stop-csam/members')
      .query({ address: '99501' })
      .expect(200);
    expect(page.text).not.toContain('Most of ZIP code');
    expect(page.text).not.toContain('of the ZIP code&#x27;s land');
  });
});
