/**
 * Our own ZIP table from the Census Bureau's files, on small files in their real formats written here: a
 * block equivalency file (zipped national file `NationalCD120.txt`, `GEOID,CDFP`) joined with the 2020
 * ZCTA-to-block relationship file (`tab20_zcta520_tabblock20_natl.txt`, pipe-delimited).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { importCivicData } from '../../src/civic-data/import';
import { buildZipTableFromBlocks, congressFromBefName } from '../../src/civic-data/zip-table-import';
import { DataError } from '../../src/platform/errors';
import {
  FIXTURE_DATA_DIR,
  FIXTURE_MEMBERS,
  editManifest,
  makeTempDir,
  removeDir,
} from '../fixtures/civic/mirror';
import { zipOf } from '../helpers/zip';

const ZCTA_BLOCK_HEADER =
  'OID_ZCTA5_20|GEOID_ZCTA5_20|NAMELSAD_ZCTA5_20|AREALAND_ZCTA5_20|AREAWATER_ZCTA5_20|MTFCC_ZCTA5_20|CLASSFP_ZCTA5_20|FUNCSTAT_ZCTA5_20|OID_TABBLOCK_20|GEOID_TABBLOCK_20|NAMELSAD_TABBLOCK_20|AREALAND_TABBLOCK_20|AREAWATER_TABBLOCK_20|MTFCC_TABBLOCK_20|FUNCSTAT_TABBLOCK_20|AREALAND_PART|AREAWATER_PART';

/** Rows: [ZCTA ('' for none), block GEOID, land of the part]. */
function zctaBlockFile(rows: Array<[string, string, number]>): string {
  const lines = rows.map(
    ([zcta, block, land], i) =>
      `${zcta ? `2200${i}` : ''}|${zcta}|${zcta ? `ZCTA5 ${zcta}` : ''}|${zcta ? 5000 : ''}|${zcta ? 0 : ''}|${zcta ? 'G6350' : ''}|${zcta ? 'B5' : ''}|${zcta ? 'S' : ''}|2100${i}|${block}|Block ${block.slice(11)}|${land}|0|G5040|S|${land}|0`,
  );
  return [ZCTA_BLOCK_HEADER, ...lines].join('\r\n') + '\r\n';
}

// Illinois (17): ZIP 61801 has 700 m² of land in IL-13 and 300 in IL-15; 61802 is all IL-13.
// Alaska (02) is at large; a water block 'ZZ' in Illinois counts for no district.
const BEF_120 = [
  'GEOID,CDFP',
  '020200001001000,00',
  '170190001001000,13',
  '170190001001001,13',
  '170190002001000,15',
  '170190003001000,ZZ',
  '110010001001000,98',
].join('\r\n');

const ZCTA_BLOCKS: Array<[string, string, number]> = [
  ['99501', '020200001001000', 900],
  ['61801', '170190001001000', 400],
  ['61801', '170190001001001', 300],
  ['61801', '170190002001000', 300],
  ['61802', '170190002001000', 0],
  ['61802', '170190003001000', 50],
  ['20001', '110010001001000', 100],
  ['', '170190003001000', 0],
  // A block of an island area, which no BEF covers.
  ['96799', '600500001001000', 10],
];

describe('buildZipTableFromBlocks', () => {
  test('when a BEF zip is joined with the ZCTA-block file, then each ZIP gets its districts by land share, largest first', async () => {
    const progress: string[] = [];
    const result = await buildZipTableFromBlocks(
      { name: 'cd120.zip', data: zipOf({ 'NationalCD120.txt': BEF_120 }, { stored: true }) },
      { name: 'tab20_zcta520_tabblock20_natl.txt', input: Readable.from([zctaBlockFile(ZCTA_BLOCKS)]) },
      (line) => progress.push(line),
    );
    expect(result.congress).toBe(120);
    expect(result.table.get('61801')).toEqual([
      { state: 'IL', district: 13, share: 0.7 },
      { state: 'IL', district: 15, share: 0.3 },
    ]);
    // No land in a district: 61802's only districted block has no land, so it gets the whole share.
    expect(result.table.get('61802')).toEqual([{ state: 'IL', district: 15, share: 1 }]);
    expect(result.table.get('99501')).toEqual([{ state: 'AK', district: 0, share: 1 }]);
    expect(result.table.get('20001')).toEqual([{ state: 'DC', district: 0, share: 1 }]);
    expect(result.table.has('96799')).toBe(false);
    expect(result.unassignedBlocks).toBe(1);
    expect(progress.at(-1)).toMatch(/tab20_zcta520_tabblock20_natl\.txt: 9 rows joined/);
  });

  test('when the BEF is a bare text file of unsorted state files, then it is sorted and joined the same', async () => {
    const text = [
      'GEOID|DISTRICT',
      ...BEF_120.split('\r\n')
        .slice(1)
        .reverse()
        .map((l) => l.replace(',', '|')),
    ].join('\n');
    const result = await buildZipTableFromBlocks(
      { name: 'NationalCD120.txt', data: Buffer.from(text) },
      { name: 'blocks.txt', input: zctaBlockFile(ZCTA_BLOCKS) },
    );
    expect(result.table.get('61801')![0]).toEqual({ state: 'IL', district: 13, share: 0.7 });
  });

  test('when a block is assigned twice or a code is not a district, then the error names the file', async () => {
    await expect(
      buildZipTableFromBlocks(
        {
          name: 'NationalCD120.txt',
          data: Buffer.from('GEOID,CDFP\n170190001001000,13\n170190001001000,14\n'),
        },
        { name: 'blocks.txt', input: zctaBlockFile(ZCTA_BLOCKS) },
      ),
    ).rejects.toThrow('NationalCD120.txt: block 170190001001000 is assigned twice');
    await expect(
      buildZipTableFromBlocks(
        { name: 'NationalCD120.txt', data: Buffer.from('GEOID,CDFP\n170190001001000,7X\n') },
        { name: 'blocks.txt', input: zctaBlockFile(ZCTA_BLOCKS) },
      ),
    ).rejects.toThrow(/NationalCD120\.txt: line 2: field "CDFP" "7X" is not a district code/);
  });

  test('when the zip is truncated, then it is a DataError naming it', async () => {
    const zip = zipOf({ 'NationalCD120.txt': BEF_120 }, { stored: true });
    await expect(
      buildZipTableFromBlocks(
        { name: 'cd120.zip', data: zip.subarray(0, zip.length - 10) },
        { name: 'blocks.txt', input: zctaBlockFile(ZCTA_BLOCKS) },
      ),
    ).rejects.toThrow(DataError);
  });

  test.each([
    ['NationalCD119.txt', 119],
    ['cd120.zip', 120],
    ['census/CD120_06.txt', 120],
    ['blocks.txt', null],
  ])('the Congress of %s is %p', (name, congress) => {
    expect(congressFromBefName(name)).toBe(congress);
  });
});

describe('importCivicData with the BEF join', () => {
  let source: string;
  let out: string;
  beforeAll(async () => {
    source = await makeTempDir('bef-src-');
    out = await makeTempDir('bef-out-');
  });
  afterAll(async () => {
    await removeDir(source);
    await removeDir(out);
  });

  test('when census/ holds cd119.zip and the ZCTA-block file, then the 119th ZIP table is our own join', async () => {
    await fs.cp(
      path.join(FIXTURE_DATA_DIR, 'congress-legislators'),
      path.join(source, 'congress-legislators'),
      {
        recursive: true,
      },
    );
    await fs.mkdir(path.join(source, 'census'));
    const bef = BEF_120.replace('GEOID,CDFP', 'GEOID,CDFP');
    await fs.writeFile(
      path.join(source, 'census', 'cd119.zip'),
      zipOf({ 'NationalCD119.txt': bef }, { stored: true }),
    );
    await fs.writeFile(
      path.join(source, 'census', 'tab20_zcta520_tabblock20_natl.txt'),
      zctaBlockFile(ZCTA_BLOCKS),
    );
    // The sample's own size: a national BEF of a few blocks is not a truncated national file.
    await editManifest(source, { members: { records: FIXTURE_MEMBERS }, zips: { records: 3 } });
    const lines: string[] = [];
    const index = await importCivicData({
      from: source,
      outDir: out,
      dataDate: '2026-06-15',
      log: (line) => lines.push(line),
    });
    expect(index.meta.sources?.zips).toMatchObject({
      name: 'census/cd119.zip + census/tab20_zcta520_tabblock20_natl.txt',
      congress: 119,
    });
    expect(index.zips['61801']!.districts[0]).toEqual({ state: 'IL', district: 13, share: 0.7 });
    expect(lines.some((l) => /blocks of the 119th Congress/.test(l))).toBe(true);
  });
});
