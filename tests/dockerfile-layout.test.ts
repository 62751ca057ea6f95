/**
 * The production image's file layout, without Docker: the Dockerfile's final stage is read, exactly what
 * its COPY lines copy is laid out in a temp folder (the build stage's `dist` built here with `npm run
 * build`'s compiler settings), its RUN lines are applied, and the server is started from that folder with
 * the image's CMD and the settings of the README's `docker run` example. A folder the server or a script
 * reads at run time and the Dockerfile forgets fails here, not in a deployment.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../bench/servers';
import { describeWithNationalData, importFixtureData, nationalDataDir } from './helpers/civic-data';

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '..');

interface FinalStage {
  env: Record<string, string>;
  copies: Array<{ from: 'build' | 'context'; sources: string[]; dest: string }>;
  runs: string[];
  cmd: string[];
  healthcheck: string;
  volumes: string[];
}

/** The Dockerfile's instructions (continuation lines joined), from its last FROM on. */
export function readFinalStage(dockerfile: string): FinalStage {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const lastFrom = instructions.map((l) => /^FROM\s/i.test(l)).lastIndexOf(true);
  const stage: FinalStage = { env: {}, copies: [], runs: [], cmd: [], healthcheck: '', volumes: [] };
  for (const line of instructions.slice(lastFrom + 1)) {
    const [keyword, ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    switch (keyword!.toUpperCase()) {
      case 'ENV':
        for (const pair of args.split(/\s+/)) {
          const [k, v] = pair.split('=');
          stage.env[k!] = v!;
        }
        break;
      case 'COPY': {
        const words = args.split(/\s+/);
        const from = words[0]!.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
        if (from !== undefined && from !== 'build') throw new Error(`COPY from an unknown stage: ${line}`);
        stage.copies.push({
          from: from ? 'build' : 'context',
          sources: words.slice(0, -1),
          dest: words.at(-1)!,
        });
        break;
      }
      case 'RUN':
        stage.runs.push(args);
        break;
      case 'CMD':
        stage.cmd = JSON.parse(args) as string[];
        break;
      case 'HEALTHCHECK':
        stage.healthcheck = args;
        break;
      case 'VOLUME':
        stage.volumes.push(...(JSON.parse(args) as string[]));
        break;
      case 'WORKDIR':
      case 'USER':
      case 'EXPOSE':
        break;
      default:
        throw new Error(`tests/dockerfile-layout.test.ts does not know ${keyword}: teach it (${line})`);
    }
  }
  return stage;
}

const stage = readFinalStage(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));

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
function ownCampaigns(dir: string): string {
  const target = path.join(dir, 'campaigns');
  fs.cpSync(path.join(ROOT, 'campaigns'), target, { recursive: true });
  for (const slug of fs.readdirSync(target)) {
    const file = path.join(target, slug, 'campaign.json');
    if (!fs.existsSync(file)) continue;
    const campaign = JSON.parse(fs.readFileSync(file, 'utf8')) as { delivery: { inbox: string } };
    campaign.delivery.inbox = 'letters@campaign-inbox.test-org.net';
    fs.writeFileSync(file, JSON.stringify(campaign, null, 2));
  }
  return target;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs the image's CMD in `app` with the image's ENV, DATA_DIR moved to `dataDir`, plus `env`. */
function startImage(app: string, dataDir: string, env: Record<string, string>): Started {
  let output = '';
  const child = spawn(stage.cmd[0]!, stage.cmd.slice(1), {
    cwd: app,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...stage.env, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function waitForHealth(port: number, started: Started, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (started.child.exitCode !== null)
      throw new Error(`exited ${started.child.exitCode}:\n${started.output()}`);
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`no /healthz answer:\n${started.output()}`);
}

async function stop(started: Started): Promise<void> {
  if (started.child.exitCode === null) started.child.kill('SIGTERM');
  await started.exited;
}

/** The README's docker run settings (see "Deploying"), with this test's addresses. */
function readmeSettings(port: number, campaignsDir: string): Record<string, string> {
  return {
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    APP_SECRET: 'layout-test-secret-0123456789abcdef0123456789',
    MAIL_FROM: 'Letters <letters@campaign-inbox.test-org.net>',
    // No SMTP server in this test: the .eml files are chosen on purpose, as production requires.
    MAIL_TRANSPORT: 'files',
    CAMPAIGNS_DIR: campaignsDir,
    CENSUS_GEOCODER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  };
}

let root: string;
let app: string;
let campaignsDir: string;

beforeAll(() => {
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
  campaignsDir = ownCampaigns(root);
});

afterAll(() => {
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
    // The server's own hints name these commands: in the image they run the compiled scripts.
    for (const name of ['data:update', 'outbox:requeue']) {
      const file = /^node (dist\/scripts\/\S+\.js)$/.exec(scripts[name] ?? '')?.[1];
      expect(file && fs.existsSync(path.join(app, file))).toBeTruthy();
    }
  });

  test('when `npm run data:update` runs in the image offline, then it imports a mirror with no file from tests/', () => {
    const out = path.join(root, 'cli-data');
    const source = path.join(root, 'offline-source');
    // An operator's folder: the fixture's sources with its own manifest.json, copied outside tests/.
    fs.cpSync(path.join(ROOT, 'tests', 'fixtures', 'civic', 'small'), source, { recursive: true });
    const result = spawnSyncText(
      'npm',
      ['run', '--silent', 'data:update', '--', '--from', source, '--out', out],
      app,
    );
    // The fixture is deliberately small, so the count checks refuse it: what matters here is that the
    // compiled script ran and read the folder (a missing script or module fails before reading anything).
    // The national suite below imports a whole mirror through the image's start command.
    expect(result).toMatch(/Civic data update failed: .*offline-source.*only \d+ (senators|districts)/);
  });

  test('when the first-start import fails, then the container stops with its message and no server starts', async () => {
    const port = await freePort();
    const empty = fs.mkdtempSync(path.join(root, 'empty-source-'));
    const started = startImage(app, path.join(root, 'data-failed'), {
      ...readmeSettings(port, campaignsDir),
      CIVIC_DATA_FROM: empty,
    });
    expect(await started.exited).toBe(1);
    expect(started.output()).toMatch(/Civic data update failed: .*ENOENT/);
    expect(started.output()).toContain('the server was not started');
  });

  test('when started with data in its volume, then it serves /healthz, the Spanish home page and a lookup', async () => {
    const port = await freePort();
    const { dir } = await importFixtureData(path.join(root, 'data-ready'));
    const started = startImage(app, dir, readmeSettings(port, campaignsDir));
    try {
      await waitForHealth(port, started, 60_000);
      const home = await fetch(`http://127.0.0.1:${port}/?lang=es`);
      expect(home.status).toBe(200);
      expect(await home.text()).toMatch(/<html[^>]*lang="es"/);
      const lookup = await fetch(`http://127.0.0.1:${port}/api/representatives?zip=62704`);
      expect(lookup.status).toBe(200);
      const body = (await lookup.json()) as { districts: unknown[] };
      expect(body.districts).toEqual([{ state: 'IL', district: 13 }]);
    } finally {
      await stop(started);
    }
  });
});

describeWithNationalData('the image at first start, on the national mirror', () => {
  test('when the volume is empty, then it imports the mirror (its date known without a manifest) and serves', async () => {
    const port = await freePort();
    const started = startImage(app, path.join(root, 'data-first-start'), {
      ...readmeSettings(port, campaignsDir),
      CIVIC_DATA_FROM: nationalDataDir(),
    });
    try {
      await waitForHealth(port, started, 240_000);
      expect(started.output()).toContain('First start: importing');
      expect(started.output()).toMatch(/Civic data updated in .*member data of 2026-06-15/);
      const home = await fetch(`http://127.0.0.1:${port}/?lang=es`);
      expect(await home.text()).toMatch(/<html[^>]*lang="es"/);
      const lookup = await fetch(`http://127.0.0.1:${port}/api/representatives?zip=98101`);
      expect(lookup.status).toBe(200);
    } finally {
      await stop(started);
    }
  });
});

function spawnSyncText(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, {
      cwd,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' },
      stdio: 'pipe',
    }).toString();
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    return `${e.stdout?.toString() ?? ''}${e.stderr?.toString() ?? ''}`;
  }
}
