import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const GUARD = path.join(__dirname, '../../scripts/check-node.js');

/** Runs the guard under `node`, as if that Node.js reported `version`. */
function runGuard(node: string, version?: string) {
  const fake = version
    ? `Object.defineProperty(process.versions, 'node', { value: ${JSON.stringify(version)} });`
    : '';
  return spawnSync(node, ['-e', `${fake} require(${JSON.stringify(GUARD)})`], { encoding: 'utf8' });
}

describe('scripts/check-node (run by npm before install, start, quickstart and dev)', () => {
  test('when Node.js is older than engines.node, then it names the version needed, how to get it, and exits 1', () => {
    const result = runGuard(process.execPath, '20.19.2');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('needs Node.js 22.22 or newer');
    expect(result.stderr).toContain('this is Node.js 20.19.2');
    expect(result.stderr).toContain('npm install -g --prefix ~/.node24 node@24');
  });

  test('when Node.js is 22.21, then it is refused; when 22.22 or 24, accepted', () => {
    expect(runGuard(process.execPath, '22.21.9').status).toBe(1);
    expect(runGuard(process.execPath, '22.22.0').status).toBe(0);
    expect(runGuard(process.execPath, '24.0.0').status).toBe(0);
  });

  test('when run by this Node.js, then it accepts silently', () => {
    const result = runGuard(process.execPath);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });

  // Debian and Ubuntu ship Node.js 20 as /usr/bin/node: the case the guard exists for.
  const systemNode = '/usr/bin/node';
  const systemMajor = fs.existsSync(systemNode)
    ? Number(
        spawnSync(systemNode, ['-p', 'process.versions.node.split(".")[0]'], { encoding: 'utf8' }).stdout,
      )
    : NaN;
  (systemMajor < 22 ? test : test.skip)('when run by the system Node.js 20, then it refuses', () => {
    const result = spawnSync(systemNode, [GUARD], { encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('needs Node.js 22.22 or newer');
  });

  test("npm runs it before install, start, quickstart and dev, and no engine-strict stops npm before the guard's message", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    for (const script of ['preinstall', 'prestart', 'prequickstart', 'predev']) {
      expect(pkg.scripts[script]).toBe('node scripts/check-node.js');
    }
    expect(pkg.engines.node).toBe('>=22.22');
    // engine-strict makes npm refuse with its bare EBADENGINE before any script runs, the guard included.
    expect(fs.readFileSync(path.join(__dirname, '../../.npmrc'), 'utf8')).not.toMatch(
      /^\s*engine-strict\s*=\s*true/m,
    );
  });
});
