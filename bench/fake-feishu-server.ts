// The fake Feishu Open Platform as its own process, so the benchmark's bot has somewhere to send.
import { startFakeFeishu } from '../tests/fake-feishu/index.js';

const fake = await startFakeFeishu({ port: Number(process.env.PORT ?? 0) });
console.log(JSON.stringify({ url: fake.url }));
setInterval(() => fake.reset(), 5_000).unref();
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
