/**
 * The project root: the nearest folder holding `package.json`, above this module. Found by walking up
 * rather than by a fixed number of `..`, so the same code works from `src/` and from the
 * precompiled app under `.cache/app/` (see `scripts/run-main.cjs`).
 */
import * as fs from "node:fs";
import * as path from "node:path";

function findRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}: run the app from inside the project`);
  }
}

export const PROJECT_ROOT = findRoot(__dirname);
