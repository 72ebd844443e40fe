// The ceiling for the catalog benchmark: Express 5 answering a fixed JSON body, nothing else.
import express from 'express';

const app = express();
const body = { id: 'p-00001', name: 'Hello', priceCents: 100 };
app.get('/hello', (_req, res) => {
  res.json(body);
});
const server = app.listen(Number(process.env.PORT ?? 0), () => {
  const addr = server.address();
  console.log(`listening ${typeof addr === 'object' && addr ? addr.port : ''}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
