import pg from 'pg';

/** Advisory lock key of the relay (and the live fleet): one holder per database. */
export const RELAY_LOCK = 7_466_012;

/**
 * Leadership over a PostgreSQL database, held as a session advisory lock on a dedicated connection:
 * if this process dies or its connection drops, the lock is gone and another process takes over within
 * `retryMs`. The same connection LISTENs for outbox notifications.
 */
export class LeaderLease {
  private client: pg.Client | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  leader = false;

  constructor(private readonly url: string, private readonly handlers: { onAcquire: () => void; onLose: () => void;
    onNotify?: () => void; onError?: (error: unknown) => void }, private readonly retryMs = 2000) {}

  start() {
    this.stopped = false;
    void this.attempt();
  }

  private async attempt() {
    if (this.stopped) return;
    try {
      if (!this.client) {
        const client = new pg.Client({ connectionString: this.url, application_name: 'wetms-relay' });
        client.on('error', (error) => this.lost(error));
        client.on('end', () => this.lost(new Error('leader connection ended')));
        client.on('notification', () => this.handlers.onNotify?.());
        await client.connect();
        this.client = client;
      }
      const { rows } = await this.client.query('select pg_try_advisory_lock($1) as ok', [RELAY_LOCK]);
      if (rows[0].ok) {
        await this.client.query('listen wms_outbox');
        this.leader = true;
        this.handlers.onAcquire();
        return;
      }
    } catch (error) {
      this.handlers.onError?.(error);
      this.dropClient();
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.attempt(), this.retryMs);
  }

  private lost(error: unknown) {
    if (this.stopped) return;
    this.handlers.onError?.(error);
    this.dropClient();
    if (this.leader) {
      this.leader = false;
      this.handlers.onLose();
    }
    if (!this.timer) this.timer = setTimeout(() => { this.timer = null; void this.attempt(); }, this.retryMs);
  }

  private dropClient() {
    const c = this.client;
    this.client = null;
    c?.removeAllListeners();
    c?.on('error', () => {});
    void c?.end().catch(() => {});
  }

  async stop() {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const c = this.client;
    this.client = null;
    this.leader = false;
    if (c) {
      c.removeAllListeners();
      c.on('error', () => {});
      await c.end().catch(() => {});
    }
  }
}
