import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { StreamGateway, type GatewayOptions } from './gateway.ts';
import { LeaderLease } from './leader.ts';
import { OutboxRelay, type RelayOptions } from './relay.ts';

export interface LiveOptions {
  /** PostgreSQL server URL (leader election and NOTIFY); absent on PGlite, where this process is the only one. */
  databaseUrl?: string;
  /** Redis URL: several server processes share Socket.IO rooms through the Redis adapter. */
  redisUrl?: string;
  relay?: RelayOptions;
  gateway?: GatewayOptions;
  log?: { info: (msg: string) => void; error: (obj: unknown, msg?: string) => void };
}

export interface Live {
  relay: OutboxRelay;
  gateway: StreamGateway;
  /** Whether this process runs the relay now. */
  isLeader(): boolean;
  close(): Promise<void>;
}

/**
 * The live stream of one server process: the Socket.IO gateway always; the relay only while this
 * process holds the database's leader lease (always, on the embedded PGlite).
 */
export async function startLive(app: FastifyInstance, database: Database, options: LiveOptions = {}): Promise<Live> {
  const log = options.log ?? { info: () => {}, error: () => {} };
  const gateway = new StreamGateway(app, database.db, options.gateway);
  let redis: { close(): Promise<void> } | null = null;
  if (options.redisUrl) redis = await useRedis(gateway, options.redisUrl);
  const relay = new OutboxRelay(database.db, { ...options.relay, onError: (e) => log.error({ err: e }, 'relay round failed') });
  await relay.register(gateway);
  let lease: LeaderLease | null = null;
  if (options.databaseUrl) {
    lease = new LeaderLease(options.databaseUrl, {
      onAcquire: () => {
        log.info('live stream: this process runs the relay');
        relay.start();
      },
      onLose: () => {
        log.info('live stream: lost the relay lease');
        void relay.stop();
      },
      onNotify: () => relay.wake(),
      onError: (e) => log.error({ err: e }, 'relay lease'),
    });
    lease.start();
  } else {
    relay.start();
  }
  return {
    relay, gateway,
    isLeader: () => (lease ? lease.leader : true),
    close: async () => {
      await lease?.stop();
      await relay.stop();
      await gateway.close();
      await redis?.close();
    },
  };
}

async function useRedis(gateway: StreamGateway, url: string) {
  const { createClient } = await import('redis');
  const { createAdapter } = await import('@socket.io/redis-adapter');
  const pub = createClient({ url });
  const sub = pub.duplicate();
  pub.on('error', () => {});
  sub.on('error', () => {});
  await Promise.all([pub.connect(), sub.connect()]);
  gateway.useAdapter(createAdapter(pub, sub));
  return { close: async () => { await Promise.allSettled([pub.quit(), sub.quit()]); } };
}
