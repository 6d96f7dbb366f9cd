import { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify';

/**
 * How the server logs: JSON lines for machines (not a TTY: systemd, Docker, a log shipper), or short coloured
 * lines for a person at a terminal. At a terminal every request is logged at debug level instead of info, so
 * `npm start` shows what happens (start-up, errors, the fleet) rather than a scroll of GETs; LOG_LEVEL=debug
 * brings the requests back.
 */
export type LogFormat = 'pretty' | 'json';

export interface LogSettings {
  level: string;
  format: LogFormat;
}

/** `LOG_FORMAT` wins; otherwise pretty when standard output is a terminal. */
export function logFormatFrom(env: NodeJS.ProcessEnv, stdoutIsTty: boolean): LogFormat {
  const wanted = env.LOG_FORMAT?.toLowerCase();
  if (wanted === 'pretty' || wanted === 'json') return wanted;
  if (wanted) throw new Error(`LOG_FORMAT must be pretty or json, got ${env.LOG_FORMAT}`);
  return stdoutIsTty ? 'pretty' : 'json';
}

export function fastifyLogOptions(settings: LogSettings): Pick<FastifyServerOptions, 'logger' | 'logController'> {
  if (settings.format === 'json') return { logger: { level: settings.level } };
  return {
    logger: {
      level: settings.level,
      transport: { target: 'pino-pretty',
        options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,reqId', singleLine: true } },
    },
    logController: new LogController({ disableRequestLogging: true }),
  };
}

/** With Fastify's own request logging off, one debug line per finished request (method, path, status, ms). */
export function logRequestsAtDebug(app: FastifyInstance) {
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug(`${request.method} ${request.url} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
  });
}
