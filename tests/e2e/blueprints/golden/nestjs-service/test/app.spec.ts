// The HTTP surface through a real socket on 127.0.0.1 (a free port chosen by the kernel).
import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../src/app.module';
import { SERVICE_NAME } from '../src/config';
import { Readiness } from '../src/readiness';

describe('service', () => {
  let app: INestApplication;
  let base: string;

  beforeEach(async () => {
    app = await NestFactory.create(AppModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });

  afterEach(async () => {
    await app.close();
  });

  const get = async (path: string): Promise<[number, string]> => {
    const response = await fetch(base + path);
    return [response.status, await response.text()];
  };

  it('answers the probes', async () => {
    expect(await get('/healthz')).toEqual([200, '{"status":"ok"}']);
    expect(await get('/readyz')).toEqual([200, '{"status":"ok"}']);
  });

  it('fails readiness but not liveness once shutting down', async () => {
    await app.get(Readiness).beforeApplicationShutdown();
    expect((await get('/readyz'))[0]).toBe(503);
    expect((await get('/healthz'))[0]).toBe(200);
  });

  it('names the service on /', async () => {
    const [status, body] = await get('/');
    expect(status).toBe(200);
    expect(JSON.parse(body)).toEqual({ service: SERVICE_NAME });
  });

  it('counts requests by method, route and status code', async () => {
    expect((await get('/healthz'))[0]).toBe(200);
    expect((await get('/no/such/path'))[0]).toBe(404);
    const [status, body] = await get('/metrics');
    expect(status).toBe(200);
    expect(body).toContain('http_requests_total{method="GET",path="/healthz",code="200"} 1');
    expect(body).toContain('http_requests_total{method="GET",path="unmatched",code="404"} 1');
    expect(body).toContain(
      'http_request_duration_seconds_count{method="GET",path="/healthz",code="200"} 1',
    );
    expect(body).toContain('http_request_duration_seconds_bucket{le="0.005",method="GET"');
  });
});
