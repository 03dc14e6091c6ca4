import { Controller, Get, Header, ServiceUnavailableException } from '@nestjs/common';
import { Metrics } from './metrics';
import { Readiness } from './readiness';

@Controller()
export class HealthController {
  constructor(
    private readonly readiness: Readiness,
    private readonly metrics: Metrics,
  ) {}

  // Liveness: the process can answer at all. It stays 200 while draining, so that Kubernetes
  // does not restart a pod that is shutting down.
  @Get('healthz')
  healthz(): { status: string } {
    return { status: 'ok' };
  }

  // 503 with Nest's JSON error body once shutting down.
  @Get('readyz')
  readyz(): { status: string } {
    if (!this.readiness.isReady()) {
      throw new ServiceUnavailableException('shutting down');
    }
    return { status: 'ok' };
  }

  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
