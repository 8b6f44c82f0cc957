import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { DatabaseError } from 'pg';
import { errorHandler } from '../../../src/api/errors';
import { answerLeaks } from '../../support/leaks';

describe('error answers', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    app.use(express.json({ limit: '1kb' }));
    app.get('/sql', () => {
      const error = new DatabaseError('syntax error at or near "FROM" in SELECT * FROM secret_table', 80, 'error');
      throw Object.assign(error, { code: '42601', where: 'SQL statement "SELECT * FROM secret_table"' });
    });
    app.get('/crash', () => {
      throw new TypeError("Cannot read properties of undefined (reading 'id') at /srv/app/src/api/routes/x.ts:12:7");
    });
    app.post('/json', (_req, res) => void res.json({}));
    app.get('/client', () => {
      throw Object.assign(new Error('Range Not Satisfiable'), { status: 416 });
    });
    app.use(errorHandler);
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it.each([
    ['a database error', '/sql', {}, 500],
    ['a programming error', '/crash', {}, 500],
    [
      'malformed JSON',
      '/json',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":' },
      400,
    ],
    [
      'a body over the limit',
      '/json',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"a":"${'x'.repeat(2000)}"}` },
      413,
    ],
    ["another library's 4xx", '/client', {}, 416],
  ])('never carry a stack trace or SQL: %s', async (_what, path, init, status) => {
    const res = await fetch(base + path, init as RequestInit);
    expect(res.status).toBe(status);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(Object.keys(body)).toEqual(['error']);
    expect(typeof body.error.message).toBe('string');
    expect([path, answerLeaks(JSON.stringify(body))]).toEqual([path, []]);
  });
});
