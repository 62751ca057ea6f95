/**
 * web/routes/api: the JSON API (documented in docs/api.md). The representatives lookup reads only the
 * in-memory civic index: it never touches the database, so it keeps answering when the database is down.
 */
import { Router } from 'express';
import { z } from 'zod';
import { composeLetter, LetterBody, PersonalNote, SenderInput } from '../../letters/letter';
import { ValidationError, type FieldErrors } from '../../platform/errors';
import type { AppDeps } from '../deps';

const RepresentativesQuery = z.object({
  address: z.string().max(10_000, 'That address is far too long.').optional(),
  zip: z.string().max(100).optional(),
  district: z.string().max(10).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
});

const PreviewRequest = z.object({
  campaign: z.string().max(64).optional(),
  bioguide: z.string().max(16),
  sender: z.unknown(),
  personalNote: z.unknown().optional(),
  body: z.unknown().optional(),
});

function zodFields(prefix: string, error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = [prefix, ...issue.path].filter(Boolean).join('.');
    fields[key] ??= issue.message;
  }
  return fields;
}

export function createApiRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/representatives', async (req, res) => {
    const query = RepresentativesQuery.safeParse(req.query);
    if (!query.success) {
      const field = String(query.error.issues[0]?.path[0] ?? 'address');
      const message =
        field === 'lat' || field === 'lon'
          ? 'Give a latitude and longitude in degrees.'
          : 'That address is far too long.';
      throw new ValidationError(message, { [field]: message });
    }
    const { address, zip, district, lat, lon } = query.data;
    if (lat !== undefined || lon !== undefined) {
      if (lat === undefined || lon === undefined) {
        throw new ValidationError('Give both lat and lon.', {
          [lat === undefined ? 'lat' : 'lon']: 'Missing.',
        });
      }
      res.json(deps.locator.findForPoint(lat, lon));
      return;
    }
    res.json(await deps.locator.findForAddress({ address, zip, district }));
  });

  router.post('/letters/preview', (req, res) => {
    const parsed = PreviewRequest.safeParse(req.body ?? {});
    if (!parsed.success)
      throw new ValidationError('The preview request is incomplete.', zodFields('', parsed.error));
    const campaign = deps.campaigns.get(parsed.data.campaign ?? deps.campaigns.defaultSlug);
    const member = deps.letters.memberOrThrow(parsed.data.bioguide);
    const sender = SenderInput.safeParse(parsed.data.sender ?? {});
    const note = PersonalNote.safeParse(parsed.data.personalNote ?? '');
    const body =
      typeof parsed.data.body === 'string' && parsed.data.body.trim() !== ''
        ? LetterBody.safeParse(parsed.data.body)
        : undefined;
    const fields: FieldErrors = {
      ...(sender.success ? {} : zodFields('sender', sender.error)),
      ...(note.success ? {} : zodFields('personalNote', note.error)),
      ...(body && !body.success ? zodFields('body', body.error) : {}),
    };
    if (!sender.success || !note.success || (body && !body.success)) {
      throw new ValidationError('Some of what you entered needs fixing.', fields);
    }
    const letter = composeLetter(deps.hbs, campaign, member, sender.data, {
      personalNote: note.data,
      body: body?.success ? body.data : undefined,
    });
    res.json({
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
