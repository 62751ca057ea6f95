import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isReservedEmailDomain, loadCampaigns, reservedDeliveryAddresses } from '../../src/campaign/campaign';

const CAMPAIGNS = path.resolve(__dirname, '..', '..', 'campaigns');

function copyCampaigns(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-campaigns-'));
  fs.cpSync(CAMPAIGNS, dir, { recursive: true });
  return dir;
}

describe('campaign folders', () => {
  test('when the STOP CSAM campaign loads, then its 119th-Congress bills, a goal and every letter are there', () => {
    const campaign = loadCampaigns(CAMPAIGNS, 'stop-csam').get('stop-csam');
    const [bills] = campaign.congresses;
    expect(bills).toMatchObject({
      congress: 119,
      senate: { type: 's', number: 1829 },
      house: { type: 'hr', number: 3921 },
    });
    expect(campaign.goal).toBeGreaterThan(0);
    for (const kind of ['support', 'thanks', 'reintroduce'] as const) {
      for (const chamber of ['senate', 'house'] as const) {
        // Templates and subject lines take the numbers from the bill fields, never literally.
        expect(campaign.templates[kind][chamber]).toContain('{{bill.label}}');
        expect(campaign.templates[kind][chamber]).not.toMatch(/\b(S\.|H\.R\.) \d+/);
        expect(campaign.asks[kind].subject[chamber]).not.toMatch(/\d{3}/);
      }
    }
    const everything = JSON.stringify(campaign);
    expect(everything).not.toMatch(/passed the (Senate|House)|(Senate|House) passed/i);
  });

  test('when a second campaign is added as a folder, then it loads beside the first without code changes', () => {
    const dir = copyCampaigns();
    fs.cpSync(path.join(dir, 'stop-csam'), path.join(dir, 'kids-online'), { recursive: true });
    const file = path.join(dir, 'kids-online', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    fs.writeFileSync(file, JSON.stringify({ ...definition, slug: 'kids-online', title: 'Another campaign' }));
    const catalog = loadCampaigns(dir, 'stop-csam');
    expect(
      catalog
        .list()
        .map((c) => c.slug)
        .sort(),
    ).toEqual(['kids-online', 'stop-csam']);
    expect(catalog.get('kids-online').title).toBe('Another campaign');
  });

  test('when a campaign file is invalid, then loading fails naming the file and the field', () => {
    const dir = copyCampaigns();
    const file = path.join(dir, 'stop-csam', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    delete definition.goal;
    definition.delivery.inbox = 'not an email';
    fs.writeFileSync(file, JSON.stringify(definition));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(/campaign\.json[\s\S]*goal[\s\S]*delivery\.inbox/);
  });

  test('when a delivery address passes a plain email check but not the mailer’s, then loading fails naming the field', () => {
    const dir = copyCampaigns();
    const file = path.join(dir, 'stop-csam', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    // A local part over 64 characters: a well-formed-looking address that no SMTP server takes.
    definition.delivery.byMember = { D000563: `${'a'.repeat(65)}@senate.gov` };
    fs.writeFileSync(file, JSON.stringify(definition));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(
      /delivery\.byMember\.D000563[\s\S]*mailer can send to/,
    );
  });

  test('when a bill of the wrong chamber or a repeated Congress is listed, then loading fails naming the field', () => {
    const dir = copyCampaigns();
    const file = path.join(dir, 'stop-csam', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    definition.congresses[0].house.type = 's';
    definition.congresses.push(definition.congresses[0]);
    fs.writeFileSync(file, JSON.stringify(definition));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(
      /congresses\.0\.house\.type[\s\S]*one entry per Congress/,
    );
  });

  test('when a letter template is missing, then loading fails naming it', () => {
    const dir = copyCampaigns();
    fs.rmSync(path.join(dir, 'stop-csam', 'letter-house.hbs'));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(/letter-house\.hbs is missing/);
  });

  test('when a delivery address is on a domain reserved for examples, then it is named as undeliverable', () => {
    for (const address of [
      'letters@stop-csam.example.org',
      'a@example.com',
      'a@x.example.net',
      'a@mail.invalid',
      'a@box.test',
      'a@x.example',
      'a@localhost',
    ]) {
      expect(isReservedEmailDomain(address)).toBe(true);
    }
    for (const address of ['letters@stopcsam.org', 'a@example.org.uk', 'a@notexample.com', 'a@testing.org']) {
      expect(isReservedEmailDomain(address)).toBe(false);
    }
    const shipped = loadCampaigns(CAMPAIGNS, 'stop-csam').list();
    expect(reservedDeliveryAddresses(shipped)).toEqual([
      'stop-csam: delivery.inbox (letters@stop-csam.example.org) is on a reserved domain that receives no mail',
    ]);
  });

  test('when a district goal names something that is not a district, then loading fails naming it', () => {
    const dir = copyCampaigns();
    const file = path.join(dir, 'stop-csam', 'campaign.json');
    const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
    definition.districtGoals = { default: 100, districts: { 'Illinois 13': 250 } };
    fs.writeFileSync(file, JSON.stringify(definition));
    expect(() => loadCampaigns(dir, 'stop-csam')).toThrow(
      /districtGoals\.districts\.Illinois 13: is not a district like "IL-13"/,
    );
  });
});
