import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { AppController } from './app.controller';
import { HealthController } from './health.controller';
import { Metrics, MetricsMiddleware } from './metrics';
import { Readiness } from './readiness';

@Module({
  controllers: [AppController, HealthController],
  providers: [Metrics, Readiness],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(MetricsMiddleware).forRoutes('{*path}');
  }
}
