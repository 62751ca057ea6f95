/**
 * bench/visitor: one simulated person: their own loopback source address (so per-client rate limits see
 * them as a separate client, as they would in production), their own cookies and a kept-alive connection,
 * and a way to fill in and submit the forms a page shows, as a browser would.
 */
import http from 'node:http';
import { Parser } from 'htmlparser2';

export interface VisitorResponse {
  status: number;
  location?: string;
  body: string;
  ms: number;
}

export interface PageForm {
  action: string;
  method: string;
  /** Every control's submitted name and value, as a browser with no changes would send them. */
  fields: Array<[string, string]>;
}

/** 127.x.y.z for visitor `n` (127.0.0.1 stays the bench's own address). */
export function loopbackAddress(n: number): string {
  const i = n + 256; // skips 127.0.0.0/24
  return `127.${(i >> 16) & 255 || 1}.${(i >> 8) & 255}.${i & 255 || 1}`;
}

/** The forms of a page, parsed as a browser would (checked boxes, selected options, textareas). */
export function formsOf(html: string): PageForm[] {
  const forms: PageForm[] = [];
  let form: PageForm | undefined;
  let textarea: { name: string; text: string } | undefined;
  let select: { name: string; value?: string; first?: string } | undefined;
  let option: { value?: string; selected: boolean; text: string } | undefined;
  const parser = new Parser(
    {
      onopentag(tag, a) {
        if (tag === 'form')
          form = { action: a.action ?? '', method: (a.method ?? 'get').toLowerCase(), fields: [] };
        if (!form || a.name === undefined || a.disabled !== undefined) {
          if (tag === 'option' && select)
            option = { value: a.value, selected: a.selected !== undefined, text: '' };
          return;
        }
        if (tag === 'input') {
          const type = (a.type ?? 'text').toLowerCase();
          if ((type === 'checkbox' || type === 'radio') && a.checked === undefined) return;
          if (type === 'submit' || type === 'button' || type === 'reset') return;
          form.fields.push([a.name, a.value ?? (type === 'checkbox' ? 'on' : '')]);
        } else if (tag === 'textarea') textarea = { name: a.name, text: '' };
        else if (tag === 'select') select = { name: a.name };
      },
      ontext(text) {
        if (textarea) textarea.text += text;
        if (option) option.text += text;
      },
      onclosetag(tag) {
        if (tag === 'textarea' && textarea && form) {
          form.fields.push([textarea.name, textarea.text.replace(/^\r?\n/, '')]);
          textarea = undefined;
        } else if (tag === 'option' && option && select) {
          const value = option.value ?? option.text.trim();
          select.first ??= value;
          if (option.selected) select.value = value;
          option = undefined;
        } else if (tag === 'select' && select && form) {
          form.fields.push([select.name, select.value ?? select.first ?? '']);
          select = undefined;
        } else if (tag === 'form' && form) {
          forms.push(form);
          form = undefined;
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return forms;
}

/** The form whose action matches, with `values` replacing (or adding) fields. */
export function fillForm(html: string, actionPattern: RegExp, values: Record<string, string> = {}): PageForm {
  const form = formsOf(html).find((f) => actionPattern.test(f.action));
  if (!form) throw new Error(`no form with an action matching ${actionPattern}`);
  const fields = form.fields.filter(([name]) => !(name in values));
  for (const [name, value] of Object.entries(values)) fields.push([name, value]);
  return { ...form, fields };
}

export class Visitor {
  private readonly agent: http.Agent;
  private readonly cookies = new Map<string, string>();

  constructor(
    private readonly baseUrl: string,
    readonly address: string,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: address });
  }

  request(method: string, pathOrUrl: string, body?: string): Promise<VisitorResponse> {
    const url = new URL(pathOrUrl, this.baseUrl);
    const headers: http.OutgoingHttpHeaders = { accept: 'text/html' };
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = Buffer.byteLength(body);
    }
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const req = http.request(url, { method, headers, agent: this.agent, timeout: 30_000 }, (res) => {
        for (const line of res.headers['set-cookie'] ?? []) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            location: res.headers.location,
            body: Buffer.concat(chunks).toString('utf8'),
            ms: performance.now() - started,
          }),
        );
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The Cookie header this visitor would send, for a load generator that replays its requests. */
  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  submit(form: PageForm): Promise<VisitorResponse> {
    const body = new URLSearchParams(form.fields).toString();
    return form.method === 'post'
      ? this.request('POST', form.action, body)
      : this.request('GET', `${form.action}${form.action.includes('?') ? '&' : '?'}${body}`);
  }

  close(): void {
    this.agent.destroy();
  }
}
