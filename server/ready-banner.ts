import { networkInterfaces } from 'node:os';

export interface ReadyFacts {
  seconds: number;
  port: number;
  host: string;
  /** How to log in to the demo, e.g. "manager / demo1234"; left out without a demo. */
  demoLogin?: string;
  /** The machine's LAN addresses (default: read from the network interfaces). */
  lanAddresses?: string[];
}

/** IPv4 addresses other machines on the site can reach (phones and PDAs on the warehouse Wi-Fi). */
export function lanAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
}

/**
 * What `npm start` prints once it listens: where the control room is (the first thing a person wants), how to
 * log in to the demo, then the API docs; on 0.0.0.0 also the LAN addresses.
 */
export function readyBanner(facts: ReadyFacts): string {
  const local = `http://localhost:${facts.port}`;
  const wildcard = facts.host === '0.0.0.0' || facts.host === '::';
  const base = wildcard ? local : `http://${facts.host.includes(':') ? `[${facts.host}]` : facts.host}:${facts.port}`;
  const lines = [`WETMS ready in ${facts.seconds.toFixed(1)} s`, '',
    `  Control room   ${base}/${facts.demoLogin ? `   (log in as ${facts.demoLogin})` : ''}`];
  if (wildcard) {
    for (const ip of facts.lanAddresses ?? lanAddresses()) lines.push(`  On your LAN    http://${ip}:${facts.port}/`);
  }
  lines.push(`  API docs       ${base}/api/docs`, '');
  return lines.join('\n');
}
