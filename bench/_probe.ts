import { startPacedUpstream } from "./paced-upstream";
import { newIdentity, startStack, median } from "./stack";
const up = await startPacedUpstream({ tokens: Number(process.env.T ?? 20), tokensPerSecond: 5000 });
const stack = await startStack({ port: 5184, enginePort: 8884, env: { WORKERS_AI_REST_URL: up.url } });
const cookie = await newIdentity(stack.app);
const rows: number[][] = [];
for (let i = 0; i < 25; i++) {
  const t0 = performance.now();
  const r = await fetch(`${stack.app}/api/chat`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ id: `probe${String(i).padStart(4,"0")}xxxxxxxxxxxx`, messages: [{ id: `m${i}`, role: "user", parts: [{ type: "text", text: "Hi" }] }], model: "@cf/meta/llama-3.2-1b-instruct" }) });
  const th = performance.now() - t0; if (i > 20) console.log(r.headers.get("x-t"), th.toFixed(1));
  let first = 0, delta = 0, buf = "";
  const dec = new TextDecoder();
  for await (const c of r.body as any) { if (!first) first = performance.now() - t0; buf += dec.decode(c); if (!delta && buf.includes('"text-delta"')) delta = performance.now() - t0; }
  const end = performance.now() - t0;
  if (i >= 3) rows.push([th, first, delta, end]);
  if (i === 3) console.log(buf.slice(0, 600));
}
console.log("headers, first chunk, first delta, end:", [0,1,2,3].map(k => median(rows.map(r => r[k])).toFixed(1)).join(" "));
stack.stop(); await up.close();
