import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { openDatabase } from '../db/database.ts';
import { StreamGateway, type GatewayOptions } from './gateway.ts';
import { LeaderLease } from './leader.ts';
import { OutboxRelay, type RelayOptions } from './relay.ts';
import { FleetManager, type FleetManagerOptions } from '../fleet/manager.ts';
import { DemoActivity, type ActivityOptions } from '../demo/activity.ts';
import { createAlertMonitor, type AlertMonitor, type AlertMonitorOptions } from '../domain/alerts/index.ts';

export interface LiveOptions {
  /** PostgreSQL server URL (leader election and NOTIFY); absent on PGlite, where this process is the only one. */
  databaseUrl?: string;
  /** Redis URL: several server processes share Socket.IO rooms through the Redis adapter. */
  redisUrl?: string;
  relay?: RelayOptions;
  gateway?: GatewayOptions;
  /** Run the AGV fleets while this process leads (default: yes). */
  fleet?: FleetManagerOptions | false;
  /** Demo mode: order and delivery generators per warehouse, run by the leader. */
  activity?: ActivityOptions[];
  /** The scheduled alert monitor (expiry, below min, overdue tasks, AGV stalls), run by the leader (default: off). */
  alerts?: AlertMonitorOptions | false;
  log?: { info: (msg: string) => void; error: (obj: unknown, msg?: string) => void };
}

export interface Live {
  relay: OutboxRelay;
  gateway: StreamGateway;
  fleet: FleetManager | null;
  alerts: AlertMonitor | null;
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
  // On a server, the relay gets connections of its own: it must not queue behind the requests it publishes.
  const relayDatabase = options.databaseUrl ? await openDatabase({ databaseUrl: options.databaseUrl, poolSize: 2 }) : null;
  const relay = new OutboxRelay((relayDatabase ?? database).db,
    { ...options.relay, onError: (e) => log.error({ err: e }, 'relay round failed') });
  await relay.register(gateway);
  const fleet = options.fleet === false ? null : new FleetManager(database.db, gateway, options.fleet ?? {});
  app.fleet.manager = fleet;
  const activities = (options.activity ?? []).map((a) => new DemoActivity(database.db, a));
  const alerts = options.alerts ? createAlertMonitor(database.db, () => fleet?.fleets,
    { ...options.alerts, onError: (e, where) => log.error({ err: e }, where) }) : null;
  const lead = () => {
    relay.start();
    void fleet?.start().catch((e) => log.error({ err: e }, 'fleet start failed'));
    for (const a of activities) a.start();
    alerts?.start();
  };
  const unlead = () => {
    void alerts?.stop();
    for (const a of activities) a.stop();
    fleet?.stop();
    void relay.stop();
  };
  let lease: LeaderLease | null = null;
  if (options.databaseUrl) {
    lease = new LeaderLease(options.databaseUrl, {
      onAcquire: () => {
        log.info('live stream: this process runs the relay and the fleet');
        lead();
      },
      onLose: () => {
        log.info('live stream: lost the relay lease');
        unlead();
      },
      onNotify: () => relay.wake(),
      onError: (e) => log.error({ err: e }, 'relay lease'),
    });
    lease.start();
  } else {
    lead();
  }
  return {
    relay, gateway, fleet, alerts,
    isLeader: () => (lease ? lease.leader : true),
    close: async () => {
      await lease?.stop();
      await alerts?.stop();
      for (const a of activities) a.stop();
      fleet?.stop();
      app.fleet.manager = null;
      await relay.stop();
      await gateway.close();
      await relayDatabase?.close();
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
