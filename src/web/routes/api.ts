/**
 * web/routes/api: the JSON API (documented in docs/api.md). The representatives lookup reads only the
 * in-memory civic index: it never touches the database, so it keeps answering when the database is down.
 */
import { Router, type Request, type Response } from 'express';
import etag from 'etag';
import { LRUCache } from 'lru-cache';
import { z } from 'zod';
import { composeLetter, LetterBody, PersonalNote, SenderInput } from '../../letters/letter';
import { findMembersForAddress } from '../../lookup/find-members';
import { fieldErrorsFromZod, ValidationError, type FieldErrors } from '../../platform/errors';
import type { AppDeps } from '../deps';

/** A ZIP or ZIP+4, as `parseZip` reads it; the answer depends on the first five digits only. */
const ZIP_ONLY = /^\s*(\d{5})(?:\s*-?\s*\d{4})?\s*$/;

const RepresentativesQuery = z.object({
  address: z.string().max(10_000).optional(),
  zip: z.string().max(100).optional(),
  district: z.string().max(10).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
});

const PreviewRequest = z.object({
  campaign: z.string().max(64).optional(),
  bioguide: z.string().max(16),
  /** The House district the person chose when the ZIP is split ("IL-13"). */
  district: z.string().max(10).optional(),
  sender: z.unknown(),
  personalNote: z.unknown().optional(),
  body: z.unknown().optional(),
});

/** A ready-to-send JSON answer: the bytes and their weak ETag (a request that sends it back gets 304). */
export interface SerialisedJson {
  body: Buffer;
  etag: string;
}

export function serialiseJson(value: unknown): SerialisedJson {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  return { body, etag: etag(body, { weak: true }) };
}

/** Sends a serialised answer as `res.json` would, with its ETag: `res.send` answers 304 when it matches. */
export function sendSerialisedJson(res: Response, answer: SerialisedJson): void {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('ETag', answer.etag);
  res.send(answer.body);
}

/**
 * The read-only lookup API (GET /representatives). `src/web/app.ts` mounts it before the page-only
 * middleware. A ZIP-only lookup is a pure function of the ZIP, the chosen district and whether the data
 * is past its validUntil date, for one import (a data refresh changes the import time in the key), so its
 * JSON is cached, bounded.
 * Address lookups are not cached: they may go to the geocoder, and addresses are not kept in memory.
 */
export function createLookupApiRouter(deps: AppDeps): Router {
  const router = Router();
  const zipAnswers = new LRUCache<string, SerialisedJson>({ max: 2000 });

  /** The cached answer for a ZIP-only lookup, or undefined when the query is anything else. */
  function cachedZipAnswer(req: Request, query: Record<string, unknown>): SerialisedJson | undefined {
    const { zip, district } = query;
    if (typeof zip !== 'string' || zip.length > 100) return undefined;
    if (query.address !== undefined || query.lat !== undefined || query.lon !== undefined) return undefined;
    if (district !== undefined && (typeof district !== 'string' || district.length > 10)) return undefined;
    const zip5 = ZIP_ONLY.exec(zip)?.[1];
    if (zip5 === undefined) return undefined;
    const civic = deps.civic;
    const key = `${civic.meta.importedAt}|${zip5}|${district ?? ''}|${civic.isStale(deps.clock.now()) ? 1 : 0}`;
    let answer = zipAnswers.get(key);
    if (!answer) {
      // A ZIP-only lookup never reaches the geocoder (no street), so this is synchronous underneath.
      answer = serialiseJson(
        findMembersForAddress(civic, { zip: zip5, district }, { now: deps.clock.now() }),
      );
      zipAnswers.set(key, answer);
    }
    return answer;
  }

  router.get('/representatives', (req, res) => {
    const raw = req.query as Record<string, unknown>;
    const cached = cachedZipAnswer(req, raw);
    if (cached) {
      sendSerialisedJson(res, cached);
      return;
    }
    return lookup(raw, res);
  });

  async function lookup(raw: Record<string, unknown>, res: Response): Promise<void> {
    const query = RepresentativesQuery.safeParse(raw);
    if (!query.success) {
      const field = String(query.error.issues[0]?.path[0] ?? 'address');
      throw ValidationError.forField(
        field,
        field === 'lat' || field === 'lon' ? 'messages.latLonDegrees' : 'messages.addressFarTooLong',
      );
    }
    const { address, zip, district, lat, lon } = query.data;
    if (lat !== undefined || lon !== undefined) {
      if (lat === undefined || lon === undefined) {
        throw ValidationError.forField(lat === undefined ? 'lat' : 'lon', 'messages.latLonBoth');
      }
      res.json(deps.locator.findForPoint(lat, lon));
      return;
    }
    res.json(await deps.locator.findForAddress({ address, zip, district }));
  }

  return router;
}

/** The rest of the JSON API (POST /letters/preview), mounted after the body parsers and CSRF check. */
export function createApiRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/letters/preview', (req, res) => {
    const parsed = PreviewRequest.safeParse(req.body ?? {});
    if (!parsed.success)
      throw new ValidationError('messages.previewIncomplete', { fields: fieldErrorsFromZod(parsed.error) });
    const campaign = deps.campaigns.get(parsed.data.campaign ?? deps.campaigns.defaultSlug);
    const member = deps.letters.memberOrThrow(parsed.data.bioguide);
    const sender = SenderInput.safeParse(parsed.data.sender ?? {});
    const note = PersonalNote.safeParse(parsed.data.personalNote ?? '');
    const body =
      typeof parsed.data.body === 'string' && parsed.data.body.trim() !== ''
        ? LetterBody.safeParse(parsed.data.body)
        : undefined;
    const fields: FieldErrors = {
      ...(sender.success ? {} : fieldErrorsFromZod(sender.error, 'sender')),
      ...(note.success ? {} : fieldErrorsFromZod(note.error, 'personalNote')),
      ...(body && !body.success ? fieldErrorsFromZod(body.error, 'body') : {}),
    };
    if (!sender.success || !note.success || (body && !body.success)) {
      throw new ValidationError('messages.needsFixing', { fields });
    }
    deps.letters.checkRepresents(sender.data, member, parsed.data.district);
    const ask = deps.asks.forMember(campaign, member);
    const letter = composeLetter(deps.hbs, campaign, member, sender.data, ask, {
      personalNote: note.data,
      body: body?.success ? body.data : undefined,
    });
    res.json({
      ask: letter.ask.kind,
      bill: { id: ask.bill.id, label: ask.bill.label, title: ask.bill.title, url: ask.bill.url },
      ...(ask.sponsorship
        ? { sponsorship: { role: ask.sponsorship.role, since: ask.sponsorship.since } }
        : {}),
      recipient: letter.recipient,
      subject: letter.subject,
      salutation: letter.salutation,
      body: letter.body,
      closing: letter.closing,
      signature: letter.signature,
      addressBlock: letter.addressBlock,
    });
  });

  return router;
}
