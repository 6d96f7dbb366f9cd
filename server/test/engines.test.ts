import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * `npm install` must not warn EBADENGINE on the Node the project declares: every package the lock file installs
 * (optional platform binaries included) accepts the lowest Node that package.json's `engines` admits, and the
 * Node running the tests is admitted too.
 */
const root = new URL('../../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(new URL('package-lock.json', root), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[] }>;
};

describe('declared Node engine', () => {
  const lowest = semver.minVersion(manifest.engines.node)!.version;

  it('admits the Node running this', () => {
    expect(semver.satisfies(process.version, manifest.engines.node)).toBe(true);
  });

  it(`is accepted by every locked package (lowest declared: ${lowest})`, () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, pkg]) => path && pkg.engines && !Array.isArray(pkg.engines) && pkg.engines.node
        && !semver.satisfies(lowest, pkg.engines.node))
      .map(([path, pkg]) => `${path.replace(/^.*node_modules\//, '')} wants node ${(pkg.engines as { node: string }).node}`);
    expect(refusing).toEqual([]);
  });
});
