/**
 * platform/paths: the project root, found by walking up to package.json, so templates, public assets and
 * campaigns resolve the same from `src/` (tsx, tests) and from the compiled `dist/src/`.
 */
import fs from 'node:fs';
import path from 'node:path';

function findProjectRoot(start: string): string {
  let dir = start;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`No package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
