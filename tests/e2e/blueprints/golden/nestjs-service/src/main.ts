// The process: configuration from the environment, the server, and graceful shutdown.
//
// Environment:
//   HOST                    address to listen on (default 0.0.0.0)
//   PORT                    port to listen on (default DEFAULT_PORT in config.ts)
//   SHUTDOWN_DELAY_SECONDS  how long /readyz fails before the listener closes (default 0)
//
// On SIGTERM or SIGINT Nest runs the shutdown hooks (readiness first, see readiness.ts), closes
// the server after the requests in flight, and the process exits 0.
import 'reflect-metadata';
import { ConsoleLogger, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { DEFAULT_PORT, SERVICE_NAME } from './config';

function port(): number {
  const text = process.env.PORT ?? String(DEFAULT_PORT);
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`PORT must be an integer in [1, 65535], got ${text}`);
  }
  return value;
}

async function main(): Promise<void> {
  // One JSON object per line, for the cluster's log collector.
  const app = await NestFactory.create(AppModule, { logger: new ConsoleLogger({ json: true }) });
  // useProcessExit: exit 0 once the hooks have run, rather than re-raising the signal (143).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
  await app.listen(port(), process.env.HOST ?? '0.0.0.0');
  Logger.log(`${SERVICE_NAME} listening on ${await app.getUrl()}`, 'main');
}

main().catch((error: unknown) => {
  Logger.error(error instanceof Error ? error.message : String(error), 'main');
  process.exit(1);
});
