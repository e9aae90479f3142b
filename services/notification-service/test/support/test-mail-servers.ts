import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * A real SMTP server on an ephemeral port of 127.0.0.1 that keeps every mail it accepted,
 * parsed. It can be stopped and started again on the same port (a mail provider outage), and
 * told to refuse some recipients with `550` (an unknown mailbox).
 */
export class TestSmtpServer {
  readonly mails: ParsedMail[] = [];
  /** Recipients answered `550 5.1.1 No such user`. */
  readonly refusedRecipients = new Set<string>();
  private server: SMTPServer | undefined;

  private constructor(private port: number) {}

  static async start(): Promise<TestSmtpServer> {
    const smtp = new TestSmtpServer(0);
    await smtp.restart();
    return smtp;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The mails whose `X-Notification-Id` starts with `prefix` (an order id and a colon, say). */
  mailsFor(prefix: string): ParsedMail[] {
    return this.mails.filter((mail) =>
      String(mail.headers.get('x-notification-id') ?? '').startsWith(prefix),
    );
  }

  /** Listens (again) on its port: the first time on a free one. */
  async restart(): Promise<void> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      closeTimeout: 100,
      onRcptTo: (address, _session, callback) => {
        if (!this.refusedRecipients.has(address.address)) return callback();
        callback(Object.assign(new Error('5.1.1 No such user'), { responseCode: 550 }));
      },
      onData: (stream, _session, callback) => {
        simpleParser(stream).then(
          (mail) => {
            this.mails.push(mail);
            callback();
          },
          (error: Error) => callback(error),
        );
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Stops listening: connections are refused until `restart()`. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** One request the SMS gateway received. */
export interface GatewayRequest {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/**
 * An HTTP server standing in for an SMS gateway: takes the JSON POST, answers `201` with a
 * Twilio-like `sid`, and keeps what it received; `failNext` has it answer 503 for a while.
 */
export class TestSmsGateway {
  readonly received: GatewayRequest[] = [];
  private failures = 0;

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<TestSmsGateway> {
    const gateway: TestSmsGateway = new TestSmsGateway(
      http.createServer((request, response) => {
        let raw = '';
        request.setEncoding('utf8');
        request.on('data', (chunk: string) => (raw += chunk));
        request.on('end', () => {
          gateway.received.push({ headers: request.headers, body: JSON.parse(raw) });
          if (gateway.failures > 0) {
            gateway.failures -= 1;
            response.writeHead(503).end();
            return;
          }
          response.writeHead(201, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ sid: `SM${gateway.received.length}`, status: 'queued' }));
        });
      }),
    );
    await new Promise<void>((resolve) => gateway.server.listen(0, '127.0.0.1', resolve));
    return gateway;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/messages`;
  }

  /** The next `count` messages are answered 503 (the gateway unusable for now). */
  failNext(count: number): void {
    this.failures = count;
  }

  receivedFor(prefix: string): GatewayRequest[] {
    return this.received.filter((request) => String(request.body.reference).startsWith(prefix));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
