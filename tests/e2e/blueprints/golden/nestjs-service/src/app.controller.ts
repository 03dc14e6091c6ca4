import { Controller, Get } from '@nestjs/common';
import { SERVICE_NAME } from './config';

// The service's own routes go here (or in controllers of their own, listed in AppModule).
@Controller()
export class AppController {
  @Get()
  root(): { service: string } {
    return { service: SERVICE_NAME };
  }
}
