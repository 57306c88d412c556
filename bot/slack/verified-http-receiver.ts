// Local HTTP mode (`signins start` with SLACK_SIGNING_SECRET): Bolt's HTTPReceiver for routing, acks and
// listeners, behind our own server so that every POST to the Slack endpoint passes the same check as the
// Lambda ingress (slack/request-verification.ts) before Bolt reads it. Bolt's own check accepts signed
// requests stamped in the future, so it is switched off here rather than run twice.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type App, ErrorCode, HTTPReceiver, LogLevel, type Receiver } from '@slack/bolt';
import { assertNever } from '../core/assert-never';
import type { Logger } from '../ports';
import { checkSlackRequest } from './request-verification';

export interface VerifiedHttpReceiverOptions {
  readonly signingSecret: string;
  /** @default 3000 */
  readonly port?: number;
  readonly logger: Logger;
  /** @default '/slack/events' */
  readonly endpoint?: string;
  /** Larger bodies are refused with 413. @default 4 MiB (Bolt's limit) */
  readonly bodyLimitBytes?: number;
  /** @default Date.now */
  readonly nowMs?: () => number;
}

const json = (res: ServerResponse, status: number, error?: string): void => {
  if (res.headersSent) return void res.end();
  if (error) res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
  else res.writeHead(status).end();
};

/** The whole body, or undefined once it passes the limit (the rest is drained, not buffered). */
const readBody = (req: IncomingMessage, limit: number): Promise<Buffer | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= limit ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });

const headerValue = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
};

export class VerifiedHttpReceiver implements Receiver {
  private readonly bolt: HTTPReceiver;
  private readonly endpoint: string;
  private readonly bodyLimit: number;
  private readonly nowMs: () => number;
  private server: Server | undefined;

  constructor(private readonly options: VerifiedHttpReceiverOptions) {
    this.endpoint = options.endpoint ?? '/slack/events';
    this.bodyLimit = options.bodyLimitBytes ?? 4 * 1024 * 1024;
    this.nowMs = options.nowMs ?? Date.now;
    this.bolt = new HTTPReceiver({
      signingSecret: options.signingSecret,
      signatureVerification: false,
      endpoints: [this.endpoint],
      logLevel: LogLevel.WARN,
    });
  }

  init(app: App): void {
    this.bolt.init(app);
  }

  /** Resolves once listening; rejects with the server's error (EADDRINUSE…) when it cannot listen. */
  start(port: number = this.options.port ?? 3000): Promise<Server> {
    if (this.server) return Promise.reject(new Error('the Slack HTTP receiver is already started'));
    const server = createServer((req, res) => void this.handle(req, res));
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, () => {
        server.off('error', reject);
        this.server = server;
        resolve(server);
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return Promise.resolve();
    return new Promise((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      if (req.method !== 'POST' || path !== this.endpoint) return this.dispatch(req, res);
      const rawBody = await readBody(req, this.bodyLimit);
      if (!rawBody) return json(res, 413, 'body_too_large');
      const verdict = checkSlackRequest(
        {
          rawBody,
          contentType: headerValue(req, 'content-type'),
          signature: headerValue(req, 'x-slack-signature'),
          timestamp: headerValue(req, 'x-slack-request-timestamp'),
        },
        this.options.signingSecret,
        this.nowMs(),
      );
      switch (verdict.kind) {
        case 'refuse':
          this.options.logger.info('slack http: refused', { status: verdict.status, reason: verdict.detail });
          return json(res, verdict.status, verdict.code);
        case 'ssl-check':
          return json(res, 200);
        case 'accept':
          // Bolt reuses a body already buffered on `rawBody`, and parses by exact content type.
          Object.assign(req, { rawBody: Buffer.from(verdict.body, 'utf8') });
          req.headers['content-type'] = verdict.contentType;
          return this.dispatch(req, res);
        default:
          return assertNever(verdict);
      }
    } catch (err) {
      this.options.logger.error('slack http: unexpected error, answering 500', {
        error: (err as Error)?.message ?? String(err),
      });
      json(res, 500, 'internal_error');
    }
  }

  /** Bolt's router; it throws (HTTPReceiverDeferredRequestError) for a path it does not serve. */
  private dispatch(req: IncomingMessage, res: ServerResponse): void {
    try {
      this.bolt.requestListener(req, res);
    } catch (err) {
      if ((err as { code?: string }).code !== ErrorCode.HTTPReceiverDeferredRequestError) throw err;
      json(res, 404, 'not_found');
    }
  }
}
