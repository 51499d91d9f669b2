// A TCP proxy between the bot and PostgreSQL that the test can cut: every open connection is
// dropped and new ones are refused until it is restored, as when the database restarts or the
// network between them fails.
import net from 'node:net';

export interface PgProxy {
  port: number;
  /** A DATABASE_URL like `url` that goes through the proxy. */
  via(url: string): string;
  /** Drop every connection and refuse new ones. Returns how many connections were dropped. */
  cut(): Promise<number>;
  restore(): Promise<void>;
  /** Connections accepted so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

export async function startPgProxy(target: { host: string; port: number }): Promise<PgProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let server: net.Server | undefined;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        accepted++;
        const upstream = net.connect(target.port, target.host);
        for (const sock of [client, upstream]) {
          sockets.add(sock);
          sock.on('close', () => sockets.delete(sock));
          sock.on('error', () => undefined);
        }
        client.pipe(upstream);
        upstream.pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });
  await listen();

  return {
    get port() {
      return port;
    },
    get accepted() {
      return accepted;
    },
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    async cut() {
      const s = server;
      server = undefined;
      const closed = s ? new Promise<void>((r) => s.close(() => r())) : Promise.resolve();
      const n = sockets.size;
      for (const sock of sockets) sock.destroy();
      await closed;
      return n / 2;
    },
    async restore() {
      if (!server) await listen();
    },
    async close() {
      for (const sock of sockets) sock.destroy();
      const s = server;
      server = undefined;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
}
