// Real OpenFeature JavaScript SDKs against an OFREP server, for Cutover's e2e tests.
//
//   node probe.mjs server-eval --base-url URL --flag KEY --type boolean|string|number|object
//                              --default V [--context JSON] [--token T]
//     The server SDK (@openfeature/server-sdk) with @openfeature/ofrep-provider: evaluates once
//     (the provider calls POST /ofrep/v1/evaluate/flags/KEY) and prints one JSON line
//     {"flag", "value", "variant", "reason", "errorCode"}.
//
//   node probe.mjs web-watch --base-url URL --flag KEY --type T --default V [--context JSON]
//                            [--token T] [--poll-ms 500] --expect V [--timeout-ms 30000]
//     The web SDK (@openfeature/web-sdk) with @openfeature/ofrep-web-provider, which fetches
//     every flag with the bulk POST /ofrep/v1/evaluate/flags and re-fetches it each --poll-ms
//     with If-None-Match. Waits until the flag's value equals --expect, then prints
//     {"flag", "value", "elapsedMs", "seenAtMs" (Unix ms), "bulkFetches", "notModified"}:
//     notModified counts the 304s
//     the provider received (fetch is observed, not replaced). Exit 1 on timeout.
//
// Exit codes: 0 success, 1 timed out, 2 usage error.
import { OpenFeature as ServerFeature } from '@openfeature/server-sdk';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { OpenFeature as WebFeature } from '@openfeature/web-sdk';
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';

function parseArgs(argv) {
  const [command, ...rest] = argv;
  const options = {};
  for (let i = 0; i < rest.length; i += 2) {
    if (!rest[i].startsWith('--') || i + 1 >= rest.length) usage(`bad argument ${rest[i]}`);
    options[rest[i].slice(2)] = rest[i + 1];
  }
  return { command, options };
}

function usage(message) {
  console.error(`error: ${message}\nusage: node probe.mjs server-eval|web-watch --base-url URL --flag KEY --type T --default V ...`);
  process.exit(2);
}

function typed(type, text) {
  switch (type) {
    case 'boolean': return text === 'true';
    case 'number': return Number(text);
    case 'object': return JSON.parse(text);
    case 'string': return text;
    default: usage(`unknown --type ${type}`);
  }
}

const headers = (token) => (token ? [['Authorization', `Bearer ${token}`]] : []);

async function serverEval(o) {
  const provider = new OFREPProvider({ baseUrl: o['base-url'], headers: headers(o.token) });
  await ServerFeature.setProviderAndWait(provider);
  const client = ServerFeature.getClient();
  const context = JSON.parse(o.context ?? '{}');
  const fallback = typed(o.type, o.default);
  const method = { boolean: 'getBooleanDetails', string: 'getStringDetails', number: 'getNumberDetails', object: 'getObjectDetails' }[o.type];
  const details = await client[method](o.flag, fallback, context);
  console.log(JSON.stringify({ flag: o.flag, value: details.value, variant: details.variant ?? null, reason: details.reason ?? null, errorCode: details.errorCode ?? null }));
  await ServerFeature.close();
}

async function webWatch(o) {
  let bulkFetches = 0, notModified = 0;
  const realFetch = globalThis.fetch;
  globalThis.fetch = async (input, init) => {
    const response = await realFetch(input, init);
    if (String(input.url ?? input).endsWith('/ofrep/v1/evaluate/flags')) {
      bulkFetches += 1;
      if (response.status === 304) notModified += 1;
    }
    return response;
  };
  const provider = new OFREPWebProvider({ baseUrl: o['base-url'], headers: headers(o.token), pollInterval: Number(o['poll-ms'] ?? 500) });
  await WebFeature.setContext(JSON.parse(o.context ?? '{}'));
  await WebFeature.setProviderAndWait(provider);
  const client = WebFeature.getClient();
  const fallback = typed(o.type, o.default);
  const expected = JSON.stringify(typed(o.type, o.expect));
  const method = { boolean: 'getBooleanValue', string: 'getStringValue', number: 'getNumberValue', object: 'getObjectValue' }[o.type];
  const started = Date.now();
  const deadline = started + Number(o['timeout-ms'] ?? 30000);
  for (;;) {
    const value = client[method](o.flag, fallback);
    if (JSON.stringify(value) === expected) {
      console.log(JSON.stringify({ flag: o.flag, value, elapsedMs: Date.now() - started, seenAtMs: Date.now(), bulkFetches, notModified }));
      await WebFeature.close();
      process.exit(0);
    }
    if (Date.now() > deadline) {
      console.log(JSON.stringify({ flag: o.flag, value, timedOut: true, bulkFetches, notModified }));
      await WebFeature.close();
      process.exit(1);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const { command, options } = parseArgs(process.argv.slice(2));
for (const required of ['base-url', 'flag', 'type', 'default']) if (!(required in options)) usage(`--${required} is required`);
if (command === 'server-eval') await serverEval(options);
else if (command === 'web-watch') {
  if (!('expect' in options)) usage('--expect is required');
  await webWatch(options);
} else usage(`unknown command ${command}`);
