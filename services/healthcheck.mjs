// Container healthcheck: healthy while /readyz answers 200 (ready and not draining).
const port = process.env.PORT ?? '8080';
fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(1500) })
  .then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1));
