// A tiny HTTP server on port 0 that answers like the shop API (status, JSON body in the
// services' error format, headers), recording what the client sent. Each test scripts it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}
export type Handler = (req: Seen, res: ServerResponse) => void | Promise<void>;

export interface FakeShop {
  url: string;
  seen: Seen[];
  handle: (h: Handler) => void;
  close: () => Promise<void>;
}

export async function fakeShop(): Promise<FakeShop> {
  let handler: Handler = (_req, res) => send(res, 404, { error: { code: 'ROUTE_NOT_FOUND', message: 'no such API route' } });
  const seen: Seen[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const s: Seen = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: text ? JSON.parse(text) : undefined };
    seen.push(s);
    await handler(s, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    handle: (h) => {
      handler = h;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

export const apiError = (code: string, message: string, details?: unknown) => ({ error: { code, message, ...(details !== undefined ? { details } : {}), requestId: 'req-1' } });

export const order = (id: string, status: string, extra: Record<string, unknown> = {}) => ({
  id,
  status,
  email: 'shopper@example.com',
  totalCents: 1998,
  lines: [{ productId: 'p-00001', name: 'Kettle', quantity: 2, priceCents: 999 }],
  paymentId: status === 'payment_pending' ? null : 'ch-1',
  createdAt: '2025-01-01T00:00:00.000Z',
  updatedAt: new Date().toISOString(),
  ...extra,
});

export const cartBody = (id: string, items: Record<string, number> = {}, stale = false) => {
  const lines = Object.entries(items).map(([productId, quantity]) => ({
    productId,
    name: `Name of ${productId}`,
    priceCents: 500,
    quantity,
    lineTotalCents: 500 * quantity,
    imageUrl: `/api/products/${productId}/image.svg`,
  }));
  return {
    id,
    createdAt: '2025-01-01T00:00:00.000Z',
    items: lines,
    itemCount: lines.reduce((n, l) => n + l.quantity, 0),
    totalCents: lines.reduce((n, l) => n + l.lineTotalCents, 0),
    stale,
    unavailable: [],
  };
};
