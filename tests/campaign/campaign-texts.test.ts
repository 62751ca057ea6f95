import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createAskResolver } from '../../src/campaign/asks';
import { loadCampaigns } from '../../src/campaign/campaign';
import { createSponsorRoll } from '../../src/campaign/sponsors';
import { ManualClock } from '../helpers/clock';
import { createHandlebars } from '../../src/platform/handlebars';
import { renderLetterTranslation } from '../../src/letters/letter';
import type { Member } from '../../src/civic-data/types';

const CAMPAIGNS = path.resolve(__dirname, '..', '..', 'campaigns');

function copyCampaigns(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-campaign-texts-'));
  fs.cpSync(CAMPAIGNS, dir, { recursive: true });
  return dir;
}

function editJson(file: string, edit: (value: Record<string, unknown>) => void) {
  const value = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(value);
  fs.writeFileSync(file, JSON.stringify(value));
}

describe('campaign texts per language', () => {
  const campaign = loadCampaigns(CAMPAIGNS, 'stop-csam').get('stop-csam');

  test('when STOP CSAM is read in Spanish or Arabic, then the bill numbers and every source URL are the English ones', () => {
    for (const lng of ['es', 'ar']) {
      const texts = campaign.textsIn(lng);
      expect(texts.lang).toBe(lng);
      expect(texts.inPageLanguage).toBe(true);
      expect(texts.summary).toContain('S. 1829');
      expect(texts.summary).toContain('H.R. 3921');
      // Letters take the bill's number from campaign.json, like the English templates.
      for (const ask of ['support', 'thanks', 'reintroduce'] as const) {
        const { senate, house } = texts.letters![ask];
        expect(`${senate}${house}`).toContain('{{bill.label}}');
        expect(`${senate}${house}`).not.toMatch(/\b(S\.|H\.R\.) \d+/);
      }
      expect(texts.billStatus?.['119']?.senate).toContain('22');
      expect(texts.talkingPoints.map((p) => p.source.url)).toEqual(
        campaign.talkingPoints.map((p) => p.source.url),
      );
      expect(texts.criticism.map((p) => p.source.url)).toEqual(campaign.criticism.map((p) => p.source.url));
      expect(texts.sources.map((s) => s.url)).toEqual(campaign.sources.map((s) => s.url));
    }
  });

  test('when a language the campaign does not declare is asked for, then the texts are English and say so', () => {
    const texts = campaign.textsIn('fr');
    expect(texts).toMatchObject({ lang: 'en', inPageLanguage: false, title: campaign.title });
    expect(texts.letters).toBeUndefined();
    expect(campaign.textsIn('en')).toMatchObject({ lang: 'en', inPageLanguage: true });
  });

  test('when a declared language lacks a text, then loading fails naming the file and the key', () => {
    const dir = copyCampaigns();
    editJson(path.join(dir, 'stop-csam', 'content', 'es.json'), (es) => {
      delete es.personalNotePrompt;
      (es.letters as Record<string, Record<string, unknown>>).thanks!.house = '';
    });
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(
      /es\.json[\s\S]*personalNotePrompt[\s\S]*letters\.thanks\.house/,
    );
  });

  test('when campaign.json gains a talking point its translations lack, then loading fails naming the list', () => {
    const dir = copyCampaigns();
    editJson(path.join(dir, 'stop-csam', 'campaign.json'), (c) => {
      const points = c.talkingPoints as unknown[];
      points.push(points[0]);
    });
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(/talkingPoints: has 4 items, campaign\.json has 5/);
  });

  test('when campaign.json adds the next Congress, then a translation without its bill status fails naming it', () => {
    const dir = copyCampaigns();
    editJson(path.join(dir, 'stop-csam', 'campaign.json'), (c) => {
      const congresses = c.congresses as Array<Record<string, unknown>>;
      congresses.push({ ...congresses[0], congress: 120 });
    });
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(
      /billStatus\.120: missing \(campaign\.json has Congress 120\)/,
    );
  });

  test('when a campaign declares a language without its content file, then loading fails', () => {
    const dir = copyCampaigns();
    fs.rmSync(path.join(dir, 'stop-csam', 'content', 'ar.json'));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(/declares "ar" but .*ar\.json cannot be read/);
  });

  test('when a campaign declares only English, then it needs no content folder', () => {
    const dir = copyCampaigns();
    fs.rmSync(path.join(dir, 'stop-csam', 'content'), { recursive: true });
    editJson(path.join(dir, 'stop-csam', 'campaign.json'), (c) => {
      delete c.languages;
    });
    const englishOnly = loadCampaigns(dir, 'stop-csam').get('stop-csam');
    expect(englishOnly.languages).toEqual(['en']);
    expect(englishOnly.textsIn('es').inPageLanguage).toBe(false);
  });

  test('when the letter translation is filled in, then town and state appear, and without a town no English filler does', () => {
    const hbs = createHandlebars();
    const member = {
      name: 'Jane Doe',
      lastName: 'Doe',
      title: 'Sen.',
      state: 'IL',
      chamber: 'senate',
    } as Member;
    const ask = createAskResolver({
      clock: new ManualClock(),
      sponsors: createSponsorRoll(new Map()),
    }).forMember(campaign, member);
    const source = campaign.textsIn('es').letters!.support.senate;
    expect(
      renderLetterTranslation(hbs, source, campaign, member, ask, { city: 'Springfield', state: 'IL' }),
    ).toMatch(/^Como residente de su estado, desde Springfield, IL, le escribo/);
    const noTown = renderLetterTranslation(hbs, source, campaign, member, ask, {});
    expect(noTown).toMatch(/^Como residente de su estado, le escribo/);
    expect(noTown).not.toContain('your state');
    expect(noTown).toContain('S. 1829');
  });
});
