import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

// Readiness goes false first on shutdown: Nest runs beforeApplicationShutdown before it closes
// the HTTP server, so for SHUTDOWN_DELAY_SECONDS (deploy/rollout.yaml sets it) /readyz answers
// 503 while everything else is still served, and the pod leaves the Services' endpoints before
// the listener closes. Then the server stops accepting and finishes the requests in flight.
@Injectable()
export class Readiness implements BeforeApplicationShutdown {
  private ready = true;

  isReady(): boolean {
    return this.ready;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.ready = false;
    const delay = Number(process.env.SHUTDOWN_DELAY_SECONDS ?? '0');
    if (Number.isFinite(delay) && delay > 0) {
      await new Promise((resolve) => setTimeout(resolve, delay * 1000));
    }
  }
}
