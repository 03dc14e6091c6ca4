// The blueprint's answers; the environment overrides them at run time (see main.ts).
export const SERVICE_NAME = 'demo-svc';
export const DEFAULT_PORT = 8080;
