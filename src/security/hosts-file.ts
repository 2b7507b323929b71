import fs from 'node:fs';
import { isIP } from 'node:net';
import type { ResolvedAddress } from './resolved-address';

/**
 * The names of a hosts file (`/etc/hosts` format) and their addresses, IPv4 first; empty when the file
 * cannot be read. Read once, synchronously, at start-up: c-ares' A/AAAA queries do not consult it.
 */
export function readHostsFile(file: string): ReadonlyMap<string, readonly ResolvedAddress[]> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return new Map();
  }
  const names = new Map<string, ResolvedAddress[]>();
  for (const line of text.split('\n')) {
    const [address, ...aliases] = line.replace(/#.*/, '').trim().split(/\s+/);
    const family = isIP(address ?? '');
    if (family !== 4 && family !== 6) continue;
    for (const alias of aliases) {
      const name = alias.toLowerCase().replace(/\.$/, '');
      const known = names.get(name) ?? [];
      if (!known.some((a) => a.address === address)) known.push({ address, family });
      names.set(name, known);
    }
  }
  for (const addresses of names.values()) addresses.sort((a, b) => a.family - b.family);
  return names;
}
