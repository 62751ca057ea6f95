/**
 * docker-compose.yml, read as Compose reads it, against the README's "Deploying" section and the
 * configuration schema (src/config): several instances of the image behind one PostgreSQL, each with
 * every setting production requires, so a setting missing from the compose file fails here and not at a
 * campaign launch.
 */
import { loadConfig } from '../src/config/config';
import {
  deployingSection,
  readCompose,
  readFinalStage,
  readmeDockerRun,
  ROOT,
  serviceEnv,
  type ComposeService,
} from './helpers/deploying';

const compose = readCompose();
const stage = readFinalStage();
const readme = readmeDockerRun(ROOT);

/**
 * The operator's environment as the README's compose line gives it (`APP_SECRET=... SMTP_URL=... docker
 * compose up -d`): the names it sets, with the values of the README's docker run example.
 */
function operatorEnv(): Record<string, string> {
  const line = /`([^`]*)docker compose up[^`]*`/.exec(deployingSection())?.[1];
  if (!line) throw new Error('README "Deploying" has no `NAME=... docker compose up` line');
  const names = [...line.matchAll(/\b([A-Z][A-Z0-9_]*)=/g)].map((match) => match[1]!);
  if (names.length === 0) throw new Error(`README's compose line sets nothing: ${line}`);
  return Object.fromEntries(names.map((name) => [name, readme.env[name] ?? '']));
}

const operator = operatorEnv();

/** The services that run the image (built from this repository). */
const instances = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

/** The environment an instance's server sees: the image's ENV, then the service's. */
function instanceEnv(service: ComposeService): Record<string, string> {
  return { ...stage.env, ...serviceEnv(service, operator) };
}

function mounts(service: ComposeService): Array<{ source: string; target: string }> {
  return (service.volumes ?? []).map((entry) => {
    const [source, target] = entry.split(':');
    return { source: source!, target: target! };
  });
}

describe('docker-compose.yml', () => {
  test('when read, then several instances of the image share one PostgreSQL that is healthy before they start', () => {
    expect(instances.length).toBeGreaterThanOrEqual(2);
    const databases = Object.entries(compose.services).filter(([, s]) => /^postgres:/.test(s.image ?? ''));
    expect(databases).toHaveLength(1);
    const [dbName, db] = databases[0]!;
    expect(db.healthcheck).toBeDefined();
    for (const [, service] of instances) {
      expect(service.depends_on).toEqual({ [dbName]: { condition: 'service_healthy' } });
      const url = new URL(instanceEnv(service).DATABASE_URL ?? '');
      const dbEnv = serviceEnv(db, operator);
      expect({ host: url.hostname, user: url.username, password: url.password, db: url.pathname }).toEqual({
        host: dbName,
        user: dbEnv.POSTGRES_USER,
        password: dbEnv.POSTGRES_PASSWORD,
        db: `/${dbEnv.POSTGRES_DB}`,
      });
    }
    const ports = instances.flatMap(([, s]) => s.ports ?? []).map((p) => p.split(':')[0]);
    expect(new Set(ports).size).toBe(instances.length);
  });

  test.each(instances.map(([name]) => name))(
    "when %s's environment is parsed by the configuration, then production accepts it and it uses PostgreSQL",
    (name) => {
      const config = loadConfig(instanceEnv(compose.services[name]!));
      expect(config.env).toBe('production');
      expect(config.database.kind).toBe('postgres');
      expect(config.smtpUrl).toBe(operator.SMTP_URL);
    },
  );

  test("when compared with the README's docker run example, then each instance sets every one of its settings", () => {
    for (const [, service] of instances) {
      expect(Object.keys(serviceEnv(service, operator))).toEqual(
        expect.arrayContaining(Object.keys(readme.env)),
      );
    }
  });

  test("when read, then each instance keeps its data in its own volume on the image's VOLUME and mounts CAMPAIGNS_DIR", () => {
    const dataVolumes = instances.map(([, service]) => {
      const env = instanceEnv(service);
      const targets = mounts(service).map((m) => m.target);
      expect(targets).toEqual(expect.arrayContaining([...stage.volumes, env.CAMPAIGNS_DIR]));
      return mounts(service).find((m) => m.target === env.DATA_DIR)!.source;
    });
    expect(new Set(dataVolumes).size).toBe(instances.length);
    expect(Object.keys(compose.volumes ?? {})).toEqual(expect.arrayContaining(dataVolumes));
  });

  test('when any production setting is dropped from an instance, then the configuration refuses to start', () => {
    const env = instanceEnv(instances[0]![1]);
    // What makes the checks above meaningful: each of these, if the compose file lost it, stops start-up.
    const refusedWithout = Object.keys(env).filter((name) => {
      const { [name]: _dropped, ...rest } = env;
      try {
        loadConfig(rest);
        return false;
      } catch {
        return true;
      }
    });
    expect(refusedWithout).toEqual(
      expect.arrayContaining(['APP_SECRET', 'PUBLIC_URL', 'MAIL_FROM', 'SMTP_URL']),
    );
  });
});
