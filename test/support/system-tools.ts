import { spawnSync } from 'node:child_process';
import { findOnPath } from '../../src/dev/go-binary';

/**
 * Makes sure a tool the suite needs from Debian's packages is installed: on PATH already, or installed
 * with apt-get when this runs as root on a Debian-like system (as CI does). Otherwise the tests that need
 * it fail, saying what to install.
 */
export function ensureDebianTool(binary: string, debianPackage: string, say: (line: string) => void): boolean {
  if (findOnPath(binary)) return true;
  if (process.getuid?.() !== 0 || !findOnPath('apt-get')) {
    say(`${binary} is missing: install Debian's '${debianPackage}' package (apt-get install ${debianPackage}).`);
    return false;
  }
  say(`installing ${debianPackage} for ${binary} (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', debianPackage], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // A fresh machine has no package lists yet; update once and try again.
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
    install();
  }
  return Boolean(findOnPath(binary));
}
