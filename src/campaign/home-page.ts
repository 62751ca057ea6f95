/** campaign/home-page: the campaign's home page (the address form) with its running total and bills. */
import type { BillSponsorsRecord } from '../civic-data/bill-status';
import { formatLongDate, type PageLanguage } from '../platform/i18n-format';
import { getRunningTotal, type StatsService } from '../tracking/stats';
import type { AskResolver } from './asks';
import type { Campaign } from './campaign';

interface HomePageDeps {
  asks: AskResolver;
  stats: StatsService;
  billRecords: { get(billId: string): BillSponsorsRecord | undefined };
}

/** The home page: the campaign's texts, the running total and where each of its bills stands, dated. */
export async function buildHomePageView(deps: HomePageDeps, page: PageLanguage, campaign: Campaign) {
  // The running total is a nicety: a database outage must not take the address form down with it.
  const total = await getRunningTotal(deps.stats, campaign.slug).catch(() => undefined);
  const texts = campaign.textsIn(page.language);
  const situation = deps.asks.situation(campaign);
  return {
    title: texts.title,
    campaign,
    texts,
    total,
    bills: situation.bills,
    statuses: (['senate', 'house'] as const).map((chamber) => {
      const bill = situation.bills[chamber];
      // The bill's own record when imported (its latest action, dated); else the campaign's text, dated.
      const latest = deps.billRecords.get(bill.id)?.latestAction;
      // Each chamber's bill may be of its own Congress (one reintroduction adopted before the other's).
      const translated = texts.billStatus?.[bill.congress]?.[chamber];
      const status = latest
        ? { text: latest.text, lang: 'en', asOf: latest.date, fromRecord: true }
        : {
            text: translated ?? bill.status.text,
            lang: translated ? texts.lang : 'en',
            asOf: bill.status.asOf,
            fromRecord: false,
          };
      return { label: bill.label, ...status, asOf: formatLongDate(page.language, status.asOf) };
    }),
  };
}
