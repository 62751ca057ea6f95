/**
 * The production image's file layout, without Docker: the Dockerfile's final stage is read, exactly what
 * its COPY lines copy is laid out in a temp folder (the build stage's `dist` built here with `npm run
 * build`'s compiler settings), its RUN lines are applied, and the server is started from that folder with
 * the image's CMD and the settings of the README's `docker run` example, read from README.md itself (its
 * `-e` settings, and its `-v` mounts as folders of this test). A folder the server or a script reads at run
 * time and the Dockerfile forgets, or a setting the README's example lacks, fails here, not in a deployment.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../bench/servers';
import { describeWithNationalData, nationalDataDir } from './helpers/civic-data';
import {
  readFinalStage,
  readmeDockerRun,
  ROOT,
  type DockerRunOptions,
  type ReadmeDockerRun,
} from './helpers/deploying';
import { SmtpSink } from './helpers/smtp-sink';

jest.setTimeout(300_000);

const stage = readFinalStage();

/** Lays the final stage out in `app` (the image's /app). */
function layOut(app: string, buildDist: string): void {
  for (const copy of stage.copies) {
    for (const source of copy.sources) {
      // The build stage's /app/<x> is the checkout's <x>, except dist, which is built for this test.
      const relative = copy.from === 'build' ? path.relative('/app', source) : source;
      const from =
        copy.from === 'build' && relative === 'dist'
          ? buildDist
          : path.join(ROOT, relative.replace(/\/$/, ''));
      if (!fs.existsSync(from)) throw new Error(`COPY ${source}: not in the checkout`);
      const destDir = copy.dest.endsWith('/') || copy.sources.length > 1;
      const target = path.join(app, copy.dest, destDir ? path.basename(relative) : '');
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (relative === 'node_modules') fs.symlinkSync(from, target, 'dir');
      else fs.cpSync(from, target, { recursive: true });
    }
  }
  for (const run of stage.runs) {
    if (/^npm pkg set /.test(run)) {
      const args = [...run.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
      execFileSync('npm', ['pkg', 'set', ...args], { cwd: app });
    } else if (/^mkdir -p \/app\/data && chown -R node:node \/app\/data$/.test(run)) {
      fs.mkdirSync(path.join(app, 'data'), { recursive: true });
    } else {
      throw new Error(`tests/dockerfile-layout.test.ts does not know this RUN: teach it (${run})`);
    }
  }
}

/** A campaigns folder like the shipped one, with a real-looking inbox (production refuses the placeholder). */
function ownCampaigns(target: string): void {
  fs.cpSync(path.join(ROOT, 'campaigns'), target, { recursive: true });
  for (const slug of fs.readdirSync(target)) {
    const file = path.join(target, slug, 'campaign.json');
    if (!fs.existsSync(file)) continue;
    const campaign = JSON.parse(fs.readFileSync(file, 'utf8')) as { delivery: { inbox: string } };
    campaign.delivery.inbox = 'letters@campaign-inbox.test-org.net';
    fs.writeFileSync(file, JSON.stringify(campaign, null, 2));
  }
}

let root: string;
let app: string;
let readme: ReadmeDockerRun;
let smtp: SmtpSink;
/** An operator's mirror folder: the fixture's sources with their own manifest.json, outside tests/. */
let operatorMirror: string;

/** A container as `docker run` would make it: its environment, paths in it replaced by this test's. */
interface Container {
  env: Record<string, string>;
}

/**
 * The README's `docker run` (plus `extra`, such as its offline options) in this test's folders: each named
 * volume is a fresh folder under `volumes`, a bind mount's host folder is the one the README names (its
 * `$PWD` being this test's root) unless `binds` gives another, and the rest of /app is the laid-out image.
 */
function container(volumes: string, extra?: DockerRunOptions, binds: Record<string, string> = {}): Container {
  const mounts = [...readme.mounts, ...(extra?.mounts ?? [])].map((mount) => {
    const host = mount.named ? path.join(volumes, mount.source) : (binds[mount.source] ?? mount.source);
    if (mount.named) fs.mkdirSync(host, { recursive: true });
    if (!fs.existsSync(host)) throw new Error(`README mounts ${mount.source}: this test has no such folder`);
    return { target: mount.target, host };
  });
  const hostPath = (containerPath: string): string => {
    for (const { target, host } of mounts) {
      if (containerPath === target || containerPath.startsWith(`${target}/`))
        return host + containerPath.slice(target.length);
    }
    if (containerPath.startsWith('/app/')) return path.join(app, containerPath.slice('/app/'.length));
    return containerPath;
  };
  const settings = { ...stage.env, ...readme.env, ...extra?.env };
  const env = Object.fromEntries(
    Object.entries(settings).map(([k, v]) => [k, v.startsWith('/') ? hostPath(v) : v]),
  );
  return { env };
}

/**
 * What this test changes in the README's settings, and why: the published port is a free one (the machine
 * is shared), the README's SMTP server becomes a local stand-in and the Census geocoder is off (no network
 * in tests); warnings only, to keep the output readable. A setting the README lacks stays missing.
 */
function withTestOverrides(env: Record<string, string>, port: number): Record<string, string> {
  return {
    ...env,
    PORT: String(port),
    ...(env.SMTP_URL ? { SMTP_URL: smtp.url } : {}),
    CENSUS_GEOCODER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
}

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Runs the image's CMD in the laid-out /app with the container's environment. */
function startImage(env: Record<string, string>): Started {
  let stdout = '';
  let stderr = '';
  const child = spawn(stage.cmd[0]!, stage.cmd.slice(1), {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitForHealth(port: number, started: Started, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (started.child.exitCode !== null)
      throw new Error(`exited ${started.child.exitCode}:\n${started.stdout()}${started.stderr()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no /healthz answer:\n${started.stdout()}${started.stderr()}`);
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) started.child.kill('SIGTERM');
  await started.exited;
}

/** The home page in Spanish, as a browser set to Spanish asks for it: the page's language and its text. */
async function expectSpanishHome(port: number): Promise<void> {
  const home = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'Accept-Language': 'es' } });
  expect(home.status).toBe(200);
  const html = await home.text();
  const skipLink = (lang: string) =>
    (
      JSON.parse(fs.readFileSync(path.join(ROOT, 'locales', lang, 'translation.json'), 'utf8')) as {
        layout: { skipLink: string };
      }
    ).layout.skipLink;
  expect(html).toMatch(/<html[^>]*lang="es"/);
  expect(html).toContain(skipLink('es'));
  expect(html).not.toContain(skipLink('en'));
}

interface Lookup {
  districts: Array<{ state: string; district: number }>;
  members: Array<{ chamber: string; state: string; district: number | null }>;
}

async function lookUp(port: number, zip: string): Promise<Lookup> {
  const response = await fetch(`http://127.0.0.1:${port}/api/representatives?zip=${zip}`);
  expect(response.status).toBe(200);
  return (await response.json()) as Lookup;
}

/** Runs an `npm run` script in the laid-out /app as `docker exec` would: the container's environment. */
function npmRun(args: string[], env: Record<string, string>): { status: number; output: string } {
  try {
    const output = execFileSync('npm', ['run', '--silent', ...args], {
      cwd: app,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: 'pipe',
    }).toString();
    return { status: 0, output };
  } catch (error) {
    const e = error as { status?: number; stdout?: Buffer; stderr?: Buffer };
    return { status: e.status ?? 1, output: `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}` };
  }
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dc-image-'));
  app = path.join(root, 'app');
  const buildDist = path.join(root, 'build-dist');
  // `npm run build` (tsc -p tsconfig.build.json), into this test's folder instead of the checkout's dist.
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', buildDist],
    { cwd: ROOT, stdio: 'pipe' },
  );
  layOut(app, buildDist);
  readme = readmeDockerRun(root);
  // The operator's own campaigns folder, which the README mounts from $PWD.
  for (const mount of readme.mounts.filter((m) => !m.named && m.source.startsWith(root)))
    ownCampaigns(mount.source);
  operatorMirror = path.join(root, 'operator-mirror');
  fs.cpSync(path.join(ROOT, 'tests', 'fixtures', 'civic', 'small'), operatorMirror, { recursive: true });
  smtp = await SmtpSink.start();
});

afterAll(async () => {
  await smtp?.stop();
  fs.rmSync(root, { recursive: true, force: true });
});

describe("the image's final stage", () => {
  test('when read, then it keeps its data in a volume, checks health on $PORT and has no TypeScript sources', () => {
    expect(stage.volumes).toEqual([stage.env.DATA_DIR]);
    expect(stage.healthcheck).toContain('process.env.PORT');
    expect(fs.existsSync(path.join(app, 'src'))).toBe(false);
    expect(fs.existsSync(path.join(app, 'tests'))).toBe(false);
    const scripts = (
      JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as {
        scripts: Record<string, string>;
      }
    ).scripts;
    // The server's own hints and the README name these commands: in the image they run compiled scripts.
    for (const name of ['data:update', 'outbox:requeue']) {
      const file = /^node (dist\/scripts\/\S+\.js)$/.exec(scripts[name] ?? '')?.[1];
      expect(file && fs.existsSync(path.join(app, file))).toBeTruthy();
    }
  });

  test("when the README's docker run is read, then it mounts a volume on the image's VOLUME and sets every production setting", () => {
    expect(readme.image).toBe('dear-congress');
    expect(readme.mounts).toContainEqual(
      expect.objectContaining({ target: stage.env.DATA_DIR, named: true }),
    );
    expect(Object.keys(readme.env)).toEqual(
      expect.arrayContaining(['PUBLIC_URL', 'APP_SECRET', 'MAIL_FROM', 'SMTP_URL', 'CAMPAIGNS_DIR']),
    );
    // The offline first start is one setting, with the mirror mounted where it points.
    const from = readme.offline.env.CIVIC_DATA_FROM;
    expect(from && readme.offline.mounts.map((m) => m.target)).toContain(from);
  });

  test('when `npm run data:update` runs in the image offline, then it imports a mirror with no file from tests/', () => {
    const out = path.join(root, 'cli-data');
    const result = npmRun(['data:update', '--', '--from', operatorMirror, '--out', out], {
      NODE_ENV: 'production',
    });
    // The fixture's manifest states its own size, so the compiled script imports it like any mirror (a
    // missing script or module fails before reading anything).
    expect(result.output).toMatch(
      /Civic data updated in .*cli-data: 119th Congress.*source .*operator-mirror/,
    );
    expect(result.status).toBe(0);
    expect(fs.existsSync(path.join(out, 'civic-index.json'))).toBe(true);
  });

  test('when the first-start import fails, then the container stops with its message on stderr and no server starts', async () => {
    const port = await freePort();
    const emptyMirror = fs.mkdtempSync(path.join(root, 'empty-mirror-'));
    const { env } = container(path.join(root, 'volumes-failed'), readme.offline, {
      [readme.offline.mounts[0]!.source]: emptyMirror,
    });
    const started = startImage(withTestOverrides(env, port));
    expect(await started.exited).toBe(1);
    expect(started.stdout()).toContain('First start: importing');
    expect(started.stderr()).toMatch(/Civic data update failed: .*ENOENT/);
    expect(started.stderr()).toContain('the server was not started');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  test("when the volume is empty and the README's offline settings point at an operator's folder, then it imports at first start, serves /healthz, the Spanish home page and a lookup, and the operator scripts run", async () => {
    const port = await freePort();
    const { env } = container(path.join(root, 'volumes-operator-mirror'), readme.offline, {
      [readme.offline.mounts[0]!.source]: operatorMirror,
    });
    const started = startImage(withTestOverrides(env, port));
    try {
      await waitForHealth(port, started, 120_000);
      expect(started.stdout()).toContain('First start: importing');
      expect(started.stdout()).toMatch(/Civic data updated in .*member data of 2026-06-15/);
      await expectSpanishHome(port);
      const found = await lookUp(port, '62704');
      expect(found.districts).toEqual([{ state: 'IL', district: 13 }]);
      expect(found.members.filter((m) => m.chamber === 'senate' && m.state === 'IL')).toHaveLength(2);
      expect(found.members).toContainEqual(
        expect.objectContaining({ chamber: 'house', state: 'IL', district: 13 }),
      );
    } finally {
      await stop(started);
    }
    // `docker exec dear-congress npm run outbox:requeue -- --all-failed`, on the volume the server used.
    const requeue = npmRun(['outbox:requeue', '--', '--all-failed'], withTestOverrides(env, port));
    expect(requeue).toEqual({
      status: 0,
      output: expect.stringContaining('Re-queued 0 failed emails') as unknown,
    });
  });
});

describeWithNationalData('the image at first start, on the national mirror', () => {
  test("when the volume is empty and the README's offline settings point at the mirror, then it imports it and serves", async () => {
    const port = await freePort();
    const { env } = container(path.join(root, 'volumes-national-mirror'), readme.offline, {
      [readme.offline.mounts[0]!.source]: nationalDataDir(),
    });
    const started = startImage(withTestOverrides(env, port));
    try {
      await waitForHealth(port, started, 240_000);
      expect(started.stdout()).toContain('First start: importing');
      // The project's mirror is known by its checksums: its date needs no manifest.
      expect(started.stdout()).toMatch(/Civic data updated in .*member data of 2026-06-15/);
      await expectSpanishHome(port);
      const found = await lookUp(port, '98101');
      expect(found.districts).toContainEqual({ state: 'WA', district: 7 });
      expect(found.members.filter((m) => m.chamber === 'senate' && m.state === 'WA')).toHaveLength(2);
      expect(found.members).toContainEqual(
        expect.objectContaining({ chamber: 'house', state: 'WA', district: 7 }),
      );
    } finally {
      await stop(started);
    }
  });
});
