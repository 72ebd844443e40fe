// An Express app in-process on a free loopback port, for the tests that call a service over HTTP
// without the lab (its routes, or a provider another service's test ships or charges through).
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface Served {
  url: string;
  close(): Promise<void>;
}

export async function serve(app: Express): Promise<Served> {
  const server: Server = await new Promise((r) => {
    const s = app.listen(0, '127.0.0.1', () => r(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise((r) => server.close(() => r())) };
}
