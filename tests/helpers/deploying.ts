/**
 * The deployment files as the tests read them: the Dockerfile's final stage, the README's `docker run`
 * example (section "Deploying") and docker-compose.yml. The image tests take their settings from these
 * files themselves, so the README, the compose file and what the tests start cannot drift apart.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const ROOT = path.resolve(__dirname, '..', '..');

export interface FinalStage {
  env: Record<string, string>;
  copies: Array<{ from: 'build' | 'context'; sources: string[]; dest: string }>;
  runs: string[];
  cmd: string[];
  healthcheck: string;
  volumes: string[];
}

/** The Dockerfile's instructions (continuation lines joined), from its last FROM on. */
export function readFinalStage(
  dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'),
): FinalStage {
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
        throw new Error(`tests/helpers/deploying.ts does not know ${keyword}: teach it (${line})`);
    }
  }
  return stage;
}

export interface Mount {
  /** A named volume ("dear-congress-data") or a host path. */
  source: string;
  /** The path inside the container. */
  target: string;
  named: boolean;
}

export interface DockerRunOptions {
  env: Record<string, string>;
  mounts: Mount[];
  ports: string[];
}

export interface ReadmeDockerRun extends DockerRunOptions {
  image: string;
  /** The options the README's comment adds for an offline first start from a mirror. */
  offline: DockerRunOptions;
}

/** The text of the README's "Deploying" section. */
export function deployingSection(readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')): string {
  const start = readme.indexOf('\n## Deploying\n');
  if (start < 0) throw new Error('README.md has no "## Deploying" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/**
 * What the shell makes of the README's words: `$(openssl rand -hex 32)` becomes a fresh secret and `$PWD`
 * the given folder; quotes are removed. Anything else shell-like is refused, so the README cannot grow a
 * construct this reading silently gets wrong.
 */
function shellWords(line: string, pwd: string): string[] {
  return (line.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []).map((word) => {
    const expanded = word
      .replaceAll('$(openssl rand -hex 32)', crypto.randomBytes(32).toString('hex'))
      .replaceAll('$PWD', pwd)
      .replace(/"([^"]*)"|'([^']*)'/g, '$1$2');
    if (expanded.includes('$')) throw new Error(`README docker run: cannot expand ${word}`);
    return expanded;
  });
}

function readOptions(words: string[]): DockerRunOptions & { positional: string[] } {
  const options: DockerRunOptions & { positional: string[] } = {
    env: {},
    mounts: [],
    ports: [],
    positional: [],
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    const value = () => {
      const next = words[++i];
      if (next === undefined) throw new Error(`README docker run: ${word} without a value`);
      return next;
    };
    if (word === '-d') continue;
    if (word === '--name') value();
    else if (word === '-p') options.ports.push(value());
    else if (word === '-e') {
      const pair = value();
      const eq = pair.indexOf('=');
      if (eq < 1) throw new Error(`README docker run: -e ${pair} has no value`);
      options.env[pair.slice(0, eq)] = pair.slice(eq + 1);
    } else if (word === '-v') {
      const [source, target] = value().split(':');
      options.mounts.push({ source: source!, target: target!, named: !source!.includes('/') });
    } else if (word.startsWith('-')) {
      throw new Error(`README docker run: tests/helpers/deploying.ts does not know ${word}: teach it`);
    } else options.positional.push(word);
  }
  return options;
}

/**
 * The README's one-instance `docker run` example, read the way the shell would run it from `pwd`, and the
 * options its "Offline first start" comment adds (the words before the parenthesis).
 */
export function readmeDockerRun(pwd: string, readme?: string): ReadmeDockerRun {
  const section = deployingSection(readme);
  const block = /```sh\n([\s\S]*?)```/.exec(section.slice(section.indexOf('```sh\ndocker')))?.[1];
  if (!block) throw new Error('README "Deploying" has no ```sh block with docker run');
  const lines = block.replace(/\\\n/g, ' ').split('\n');
  const run = lines.find((l) => l.startsWith('docker run '));
  if (!run) throw new Error('README "Deploying": no `docker run` line');
  const { positional, ...options } = readOptions(shellWords(run, pwd).slice(2));
  if (positional.length !== 1)
    throw new Error(`README docker run: expected one image, got ${positional.join(' ')}`);
  const offlineAt = lines.findIndex((l) => l.startsWith('# Offline'));
  const offlineLine = lines[offlineAt + 1]?.replace(/^#\s*/, '').split('(')[0] ?? '';
  const { positional: extra, ...offline } = readOptions(shellWords(offlineLine, pwd));
  if (extra.length > 0) throw new Error(`README offline options: unexpected ${extra.join(' ')}`);
  return { ...options, image: positional[0]!, offline };
}

export interface ComposeService {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean> | string[];
  volumes?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: unknown;
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/** docker-compose.yml, with its `<<:` merge keys applied as Compose applies them. */
export function readCompose(
  text = fs.readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'),
): ComposeFile {
  return parseYaml(text, { merge: true }) as ComposeFile;
}

/**
 * A compose value with the operator's environment interpolated as Compose does: `${X}`, `${X:-default}`
 * (default when X is unset or empty) and `${X:?message}` (an error when X is unset or empty).
 */
export function interpolate(value: string, operator: Readonly<Record<string, string>>): string {
  return value.replace(/\$\{(\w+)(?::([-?])([^}]*))?\}/g, (_, name: string, kind?: string, rest?: string) => {
    const given = operator[name];
    if (given) return given;
    if (kind === '-') return rest ?? '';
    if (kind === '?') throw new Error(`docker compose: ${name}: ${rest}`);
    return '';
  });
}

/** A compose service's environment as a map (Compose accepts a map or a list of KEY=VALUE). */
export function serviceEnv(
  service: ComposeService,
  operator: Readonly<Record<string, string>>,
): Record<string, string> {
  const raw = service.environment ?? {};
  const pairs = Array.isArray(raw)
    ? raw.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)] as const)
    : Object.entries(raw).map(([k, v]) => [k, String(v)] as const);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(v, operator)]));
}
