import { resolve } from 'node:path';
import { logFormatFrom, type LogFormat } from './http/logging.ts';

export interface AppConfig {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  demo: boolean;
  adminPassword?: string;
  jwtSecret?: string;
  tokenTtl: string;
  logLevel: string;
  /** pretty at a terminal, JSON lines otherwise (LOG_FORMAT overrides). */
  logFormat: LogFormat;
  /** Several server processes share live rooms through Redis when set. */
  redisUrl?: string;
  /** How long published events stay replayable for reconnecting clients, ms. */
  replayWindowMs: number;
}

const truthy = (v: string | undefined) => v !== undefined && !['0', 'false', 'no', 'off', ''].includes(v.toLowerCase());

/** Configuration from the environment and command-line flags; defaults run everything embedded. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): AppConfig {
  const flag = (name: string) => argv.includes(`--${name}`);
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return {
    port,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: resolve(env.WETMS_DATA_DIR || '.data/pglite'),
    demo: flag('no-demo') ? false : env.WETMS_DEMO === undefined ? true : truthy(env.WETMS_DEMO),
    adminPassword: env.WETMS_ADMIN_PASSWORD || undefined,
    jwtSecret: env.JWT_SECRET || undefined,
    tokenTtl: env.WETMS_TOKEN_TTL ?? '12h',
    logLevel: env.LOG_LEVEL ?? 'info',
    logFormat: logFormatFrom(env, process.stdout.isTTY === true),
    redisUrl: env.REDIS_URL || undefined,
    replayWindowMs: Number(env.WETMS_REPLAY_MINUTES ?? 15) * 60_000,
  };
}
