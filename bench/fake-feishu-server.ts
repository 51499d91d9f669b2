// The fake Feishu Open Platform as its own process, so the benchmark's bot has somewhere to send.
import { startFakeFeishu } from '../tests/fake-feishu/index.js';

const fake = await startFakeFeishu({ port: Number(process.env.PORT ?? 0), checkUserText: false });
console.log(JSON.stringify({ url: fake.url }));
// The request log grows with every call; messages are kept, so a card can be updated minutes after it was sent.
setInterval(() => fake.trim(), 5_000).unref();
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
