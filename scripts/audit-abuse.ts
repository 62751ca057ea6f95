/**
 * scripts/audit-abuse: replays the attacks of issue 18 (see docs/security.md and tests/security), and those
 * on issue 27's reply question (replyAttacks), against a running server and prints what held. Requests come from several loopback source addresses
 * (127.0.0.2-127.0.0.9, through http.request's localAddress), so per-client limits see several clients;
 * the target must be a loopback URL too. Bounded: about 290 requests and AUDIT_TIME_LIMIT_MS (90 s).
 *
 *   npm run audit:abuse -- http://127.0.0.1:3000 [--campaign stop-csam] [--outbox data/outbox]
 *
 * --outbox: the server's OUTBOX_DIR when it writes emails as .eml files (no SMTP_URL); the scanner attack
 * then reads a real confirmation link from there. Without it that attack is skipped.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_BODY_LENGTH } from '../src/letters/letter';

const AUDIT_TIME_LIMIT_MS = 90_000;
const REQUEST_TIMEOUT_MS = 10_000;
const ADDRESS = '100 Main St, Springfield, IL 62704';
const SENDER = {
  name: 'Audit Person',
  street: '100 Main St',
  city: 'Springfield',
  state: 'IL',
  zip: '62704',
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { campaign: { type: 'string', default: 'stop-csam' }, outbox: { type: 'string' } },
});
const base = new URL(positionals[0] ?? 'http://127.0.0.1:3000');
if (!['127.0.0.1', 'localhost', '[::1]'].includes(base.hostname) && !/^127\./.test(base.hostname)) {
  console.error(`Refusing ${base.origin}: the audit only runs against a server on this machine (loopback).`);
  process.exit(2);
}
const slug = values.campaign;
const deadline = Date.now() + AUDIT_TIME_LIMIT_MS;
let requests = 0;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request from the loopback source address 127.0.0.<client>. */
function send(
  client: number,
  method: string,
  pathname: string,
  options: { form?: Record<string, string | string[]>; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  if (Date.now() > deadline) return Promise.reject(new Error('audit time limit reached'));
  if (client < 2 || client > 9) throw new Error('clients are 127.0.0.2-127.0.0.9');
  requests += 1;
  const body = options.form ? new URLSearchParams(flatten(options.form)).toString() : options.body;
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port || 80,
        method,
        path: pathname,
        localAddress: `127.0.0.${client}`,
        timeout: REQUEST_TIMEOUT_MS,
        headers: {
          ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
          ...options.headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString(),
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${pathname}`)));
    req.on('error', reject);
    req.end(body);
  });
}

function flatten(form: Record<string, string | string[]>): Array<[string, string]> {
  return Object.entries(form).flatMap(([k, v]) =>
    (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]),
  );
}

/** A visitor: the CSRF cookie and token of the compose page, its signed start time and the members. */
interface Visitor {
  client: number;
  cookie: string;
  token: string;
  startedAt: string;
  members: string[];
}

async function visit(client: number): Promise<Visitor> {
  const page = await send(client, 'GET', `/campaigns/${slug}/write?address=${encodeURIComponent(ADDRESS)}`);
  const cookie = ([] as string[])
    .concat(page.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => /^(__Host-)?dc\.csrf=/.test(c));
  const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
  const startedAt = /name="startedAt" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
  const members = [...page.text.matchAll(/name="member" value="([A-Z]\d{6})"/g)].map((m) => m[1]!);
  if (page.status !== 200 || !cookie || !token) throw new Error(`compose page answered ${page.status}`);
  return { client, cookie, token: token.replace(/&#x3D;/g, '='), startedAt, members };
}

function saveLetters(v: Visitor, email: string, pathname = `/campaigns/${slug}/letters`, extra = {}) {
  return send(v.client, 'POST', pathname, {
    headers: { cookie: v.cookie },
    form: {
      _csrf: v.token,
      startedAt: v.startedAt,
      ...SENDER,
      email,
      address: ADDRESS,
      member: v.members,
      ...extra,
    },
  });
}

async function publicTotal(): Promise<number> {
  const stats = await send(9, 'GET', `/api/campaigns/${slug}/stats`);
  return (JSON.parse(stats.text) as { total: number }).total;
}

const results: Array<{ attack: string; held: boolean | 'skipped'; detail: string }> = [];
function record(attack: string, held: boolean | 'skipped', detail: string): void {
  results.push({ attack, held, detail });
  const mark = held === 'skipped' ? 'SKIP' : held ? 'HELD' : 'FAIL';
  console.log(`${mark}  ${attack}: ${detail}`);
}

const unique = `${Date.now().toString(36)}`;

async function main(): Promise<void> {
  console.log(`Auditing ${base.origin} (campaign ${slug}) from 127.0.0.2-127.0.0.9`);
  const visitors = await Promise.all([2, 3, 4, 5].map(visit));
  // The letter form refuses a form sent sooner than MIN_FORM_FILL_MS (3 s by default) after it was shown.
  await new Promise((r) => setTimeout(r, 3_200));

  // 1. Counts: fresh addresses, PDFs and "sent through the website" clicks must not move the total.
  const before = await publicTotal();
  const batches: string[] = [];
  for (let i = 0; i < 5; i += 1) {
    const saved = await saveLetters(visitors[0]!, `audit-${unique}-${i}@example.org`);
    if (saved.status === 303) batches.push(String(saved.headers.location));
  }
  for (const batch of batches) {
    const page = await send(2, 'GET', batch);
    for (const id of [...page.text.matchAll(/href="\/letters\/([\w-]{22})\/print"/g)].map((m) => m[1]!)) {
      await send(3, 'POST', `/letters/${id}/webform`, {
        headers: { cookie: visitors[1]!.cookie },
        form: { _csrf: visitors[1]!.token },
      });
    }
    await send(3, 'GET', `${batch}.pdf`);
  }
  const after = await publicTotal();
  record(
    'counts inflate for free',
    after === before,
    `${batches.length} batches saved with fresh addresses, their PDFs and web-form clicks: public total ${before} -> ${after}`,
  );

  // 2. The bot guard on other spellings of the path, and a Bearer header instead of a CSRF token.
  for (const spelling of [`/campaigns/${slug}/letters/`, `/CAMPAIGNS/${slug}/Letters`]) {
    const res = await saveLetters(visitors[2]!, `audit-${unique}-guard@example.org`, spelling, {
      website: 'http://spam.example',
    });
    record(`bot guard on ${spelling}`, res.status !== 303, `honeypot filled -> ${res.status}`);
  }
  const bearer = await send(4, 'POST', `/campaigns/${slug}/letters`, {
    headers: { authorization: 'Bearer anything' },
    form: { ...SENDER, email: `audit-${unique}-bearer@example.org`, address: ADDRESS },
  });
  record('Authorization: Bearer turns CSRF off', bearer.status === 403, `no token -> ${bearer.status}`);

  // 3. A link scanner: GET and HEAD on a real confirmation link (read from the .eml outbox).
  await scannerAttack(visitors[3]!, batches[0]);

  // 4. Email bombing: three source addresses ask for confirmation emails to one mailbox.
  const victim = `audit-${unique}-victim@example.org`;
  let accepted = 0;
  for (let i = 0; i < 6; i += 1) {
    const v = visitors[i % 3]!;
    const saved = await saveLetters(v, i % 2 ? victim.toUpperCase() : victim);
    if (saved.status !== 303) continue;
    const asked = await send(v.client, 'POST', `${saved.headers.location}/email`, {
      headers: { cookie: v.cookie },
      form: { _csrf: v.token },
    });
    if (asked.status === 303) accepted += 1;
  }
  record(
    'email bombing one mailbox',
    accepted <= 3,
    `${accepted} of 6 confirmation emails accepted (at most 3)`,
  );

  // 5. Leaks: private pages are no-store and noindex; the letter page shares the lookup limit.
  if (batches[0]) {
    const page = await send(2, 'GET', batches[0]);
    const id = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)?.[1];
    for (const p of [batches[0], `${batches[0]}/delete`, `/letters/${id}/print`]) {
      const res = await send(6, 'GET', p);
      const ok =
        res.headers['cache-control'] === 'no-store' && res.headers['x-robots-tag'] === 'noindex, nofollow';
      record(`no-store and noindex on ${p.replace(/[\w-]{20,}/g, ':id')}`, ok, `status ${res.status}`);
    }
  }
  let limited = 0;
  for (let i = 0; i < 61 && limited === 0; i += 1) {
    const res = await send(7, 'GET', `/campaigns/${slug}/write?address=${encodeURIComponent(ADDRESS)}`);
    if (res.status === 429) limited = i + 1;
  }
  record(
    'lookups through /write?address=',
    limited > 0,
    limited ? `429 at request ${limited}` : 'never limited',
  );

  // 6. A PDF flood from one client.
  if (batches[1]) {
    let pdfLimited = 0;
    for (let i = 0; i < 21 && pdfLimited === 0; i += 1) {
      if ((await send(8, 'GET', `${batches[1]}.pdf`)).status === 429) pdfLimited = i + 1;
    }
    record('PDF flood', pdfLimited > 0, pdfLimited ? `429 at PDF ${pdfLimited}` : 'never limited');
  }

  // 7. "Did they answer?" (issue 27): see replyAttacks below.
  await replyAttacks(visitors[3]!, visitors[1]!.members[0] ?? 'A000360');

  // 8. Issue 28: see issue28Attacks below.
  await issue28Attacks(visitors);
}

/** Milliseconds a request takes, and its answer. */
async function timed(client: number, method: string, pathname: string) {
  const started = performance.now();
  const res = await send(client, method, pathname);
  return { res, ms: performance.now() - started };
}

/** The attacks of issue 28 (docs/security.md, "Issue 28"). */
async function issue28Attacks(visitors: Visitor[]): Promise<void> {
  const [a, b] = [visitors[0]!, visitors[1]!];
  // The street/city pattern that backtracked exponentially: N repetitions of " Apt 1".
  for (const n of [26, 40, 80]) {
    const address = `1 Main St${' Apt 1'.repeat(n)} 9 IL 62704`;
    const { res, ms } = await timed(5, 'GET', `/api/representatives?address=${encodeURIComponent(address)}`);
    record(`regex freeze, N=${n}`, ms < 50, `${res.status} in ${ms.toFixed(1)} ms (under 50)`);
  }
  // Constituency: a looked-up Illinois address with a typed New York state and ZIP, to Senator Schumer.
  const typedState = await saveLetters(a, `audit-${unique}-ny@example.org`, undefined, {
    state: 'NY',
    zip: '10008',
    member: ['S000148'],
  });
  record(
    'letter to another state as "your constituent"',
    typedState.status !== 303,
    `-> ${typedState.status}`,
  );
  const split = await saveLetters(a, `audit-${unique}-split@example.org`, undefined, {
    address: '91711',
    zip: '91711',
    state: 'CA',
    city: 'Claremont',
    member: ['C001123', 'T000474', 'A000371'],
  });
  record('one batch to three House members of a split ZIP', split.status !== 303, `-> ${split.status}`);
  // Throwaway mailboxes and Gmail's aliases.
  const throwaway = await saveLetters(a, `audit-${unique}@mailinator.com`);
  record('throwaway mailbox', throwaway.status === 400, `mailinator.com -> ${throwaway.status}`);
  const local = `audit${unique}`.replace(/\W/g, '');
  const spellings = [
    `${local}@gmail.com`,
    `${local}@googlemail.com`,
    `${local.slice(0, 3)}.${local.slice(3)}@gmail.com`,
    `${local}+x@gmail.com`,
    `${local.toUpperCase()}@GoogleMail.com`,
  ];
  let mailed = 0;
  for (const [i, email] of spellings.entries()) {
    const v = visitors[i % 3]!;
    const saved = await saveLetters(v, email);
    if (saved.status !== 303) continue;
    const asked = await send(v.client, 'POST', `${saved.headers.location}/email`, {
      headers: { cookie: v.cookie },
      form: { _csrf: v.token },
    });
    if (asked.status === 303) mailed += 1;
  }
  record(
    'email bombing through Gmail aliases',
    mailed <= 3,
    `${mailed} of 5 confirmation emails accepted (at most 3)`,
  );
  // Bounded PDF work: one word as long as the form allows, then a flood of batch PDFs from every client.
  const body = Object.fromEntries(a.members.map((m) => [`body_${m}`, 'W'.repeat(MAX_BODY_LENGTH)]));
  const heavy = await saveLetters(b, `audit-${unique}-heavy@example.org`, undefined, body);
  if (heavy.status !== 303)
    record(
      `PDF of a ${MAX_BODY_LENGTH}-character word`,
      'skipped',
      `the long-word letter was not saved (${heavy.status}); tests/delivery/pdf.test.ts covers it`,
    );
  else {
    const page = await send(2, 'GET', String(heavy.headers.location));
    const id = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)?.[1];
    const { res, ms } = await timed(6, 'GET', `/letters/${id}.pdf`);
    record(
      `PDF of a ${MAX_BODY_LENGTH}-character word`,
      ms < 3_000 && [200, 503].includes(res.status),
      `${res.status} in ${ms.toFixed(0)} ms`,
    );
    const flood = await Promise.all(
      [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5].map((c) =>
        send(c, 'GET', `${String(heavy.headers.location)}.pdf`),
      ),
    );
    const busy = flood.filter((r) => r.status === 503);
    const ok =
      flood.every((r) => [200, 429, 503].includes(r.status)) && busy.every((r) => r.headers['retry-after']);
    record('PDF flood past the queue', ok, `statuses ${flood.map((r) => r.status).join(' ')}`);
  }
  // The public numbers: only what verified letters did, and what they count.
  const stats = JSON.parse((await send(9, 'GET', `/api/campaigns/${slug}/stats`)).text) as {
    byChannel: Record<string, number>;
    counts?: string;
    reportedByWriters: number;
  };
  record(
    'unverified figures in public',
    !('created' in stats.byChannel) && !('printed' in stats.byChannel) && typeof stats.counts === 'string',
    `byChannel: ${Object.keys(stats.byChannel).join(', ')}`,
  );
  const fresh = await saveLetters(b, `audit-${unique}-prefetch@example.org`);
  if (fresh.status === 303) {
    const page = await send(2, 'GET', String(fresh.headers.location));
    const id = /href="\/letters\/([\w-]{22})\/print"/.exec(page.text)?.[1];
    for (const method of ['GET', 'HEAD']) {
      await send(7, method, `/letters/${id}/print`);
      await send(7, method, `/letters/${id}.pdf`);
    }
    const after = JSON.parse((await send(9, 'GET', `/api/campaigns/${slug}/stats`)).text) as {
      reportedByWriters: number;
    };
    record(
      'prefetchers record prints',
      after.reportedByWriters === stats.reportedByWriters,
      `reported ${stats.reportedByWriters} -> ${after.reportedByWriters}`,
    );
  }
  // The fill time of one visitor replayed by another; a honeypot sent twice.
  const replayed = await send(b.client, 'POST', `/campaigns/${slug}/letters`, {
    headers: { cookie: b.cookie },
    form: {
      _csrf: b.token,
      startedAt: a.startedAt,
      ...SENDER,
      email: `audit-${unique}-replay@example.org`,
      address: ADDRESS,
      member: a.members,
    },
  });
  record('fill time replayed by another client', replayed.status === 400, `-> ${replayed.status}`);
  const twice = await saveLetters(a, `audit-${unique}-twice@example.org`, undefined, {
    website: ['', 'http://spam.example'],
  });
  record('honeypot sent twice', twice.status === 400, `-> ${twice.status}`);
  // A home address in the query: never cached, never indexed.
  for (const p of [`/api/representatives`, `/campaigns/${slug}/members`, `/campaigns/${slug}/write`]) {
    const res = await send(8, 'GET', `${p}?address=${encodeURIComponent(ADDRESS)}`);
    const ok =
      res.headers['cache-control'] === 'no-store' && res.headers['x-robots-tag'] === 'noindex, nofollow';
    record(`no-store and noindex on ${p}?address=`, ok, `status ${res.status}`);
  }
  // The JSON preview is rate-limited.
  let previewLimited = 0;
  for (let i = 0; i < 62 && previewLimited === 0; i += 1) {
    const res = await send(4, 'POST', '/api/letters/preview', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ bioguide: a.members[0], sender: SENDER }),
    });
    if (res.status === 429) previewLimited = i + 1;
  }
  record(
    'JSON preview flood',
    previewLimited > 0,
    previewLimited ? `429 at preview ${previewLimited}` : 'never limited',
  );
}

async function scannerAttack(v: Visitor, batch: string | undefined): Promise<void> {
  if (!values.outbox || !batch) {
    record('link scanner confirms', 'skipped', 'pass --outbox <OUTBOX_DIR> of a server writing .eml files');
    return;
  }
  const asked = await send(v.client, 'POST', `${batch}/email`, {
    headers: { cookie: v.cookie },
    form: { _csrf: v.token },
  });
  const batchId = batch.split('/').pop()!;
  let link: string | undefined;
  for (let i = 0; i < 20 && !link; i += 1) {
    await new Promise((r) => setTimeout(r, 500));
    for (const file of fs.readdirSync(values.outbox).filter((f) => f.endsWith('.eml'))) {
      // Quoted-printable: join soft line breaks and decode "=3D" before looking for the link.
      const text = fs
        .readFileSync(path.join(values.outbox, file), 'utf8')
        .replace(/=\r?\n/g, '')
        .replace(/=3D/g, '=');
      if (text.includes(batchId)) link = /\/letters\/confirm\/[\w-]{43}/.exec(text)?.[0];
    }
  }
  if (asked.status !== 303 || !link) {
    record(
      'link scanner confirms',
      'skipped',
      `no confirmation email found (request answered ${asked.status})`,
    );
    return;
  }
  await send(6, 'HEAD', link);
  await send(6, 'GET', link);
  const page = await send(2, 'GET', batch);
  const confirmed = /dc-status--queued|dc-status--sent/.test(page.text);
  record(
    'link scanner confirms',
    !confirmed,
    'HEAD and GET on the emailed link; letters still await the button',
  );
}

// ---------------------------------------------------------------------------------------------------
// Issue 27, "did they answer?": attacks on the reply question (src/replies, docs/tracking.md). Kept in
// one function so other audits can be added beside it without touching these lines.
// ---------------------------------------------------------------------------------------------------

/**
 * Answers need the batch's signed token: forged and malformed tokens answer nothing (404) by GET or POST;
 * ticking "ask me" needs the emailed confirmation link; the answer pages are no-store and noindex; and a
 * flood of answers from one client is limited (429 by the 31st).
 */
async function replyAttacks(v: Visitor, bioguide: string): Promise<void> {
  const forged = 'A'.repeat(43);
  const post = (client: number, pathname: string, form: Record<string, string>) =>
    send(client, 'POST', pathname, { headers: { cookie: v.cookie }, form: { _csrf: v.token, ...form } });

  const answered = await post(v.client, `/replies/${forged}/${bioguide}`, {
    answer: 'replied',
    stance: 'oppose',
  });
  const page = await send(v.client, 'GET', `/replies/${forged}/${bioguide}?answer=replied`);
  record(
    'answers with a forged reply token',
    answered.status === 404 && page.status === 404,
    `POST -> ${answered.status}, GET -> ${page.status}`,
  );
  const odd = await send(v.client, 'GET', `/replies/..%2F..%2Fletters/${bioguide}`);
  record('reply pages with a malformed token', odd.status === 404, `GET -> ${odd.status}`);
  record(
    'no-store and noindex on /replies/:id',
    page.headers['cache-control'] === 'no-store' && page.headers['x-robots-tag'] === 'noindex, nofollow',
    `status ${page.status}`,
  );

  const optIn = await post(v.client, `/letters/confirm/${'B'.repeat(43)}`, { askReplies: 'yes' });
  record(
    'ticking "ask me whether they replied" without the confirmation link',
    optIn.status === 404,
    `POST -> ${optIn.status}`,
  );

  let limited = 0;
  for (let i = 1; i <= 31 && limited === 0; i += 1) {
    const res = await post(9, `/replies/${forged}/${bioguide}`, { answer: 'no_reply' });
    if (res.status === 429) limited = i;
  }
  record('answer flood from one client', limited > 0, limited ? `429 at answer ${limited}` : 'never limited');
}

main()
  .catch((error: unknown) => record('audit', false, error instanceof Error ? error.message : String(error)))
  .finally(() => {
    const failed = results.filter((r) => r.held === false).length;
    console.log(`\n${results.length - failed} of ${results.length} checks held (${requests} requests).`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
