import { startEngine } from "./server";

/** `tsx engine/main.ts`: the engine on its own, for trying it with curl or pointing a Worker at it. */

const engine = await startEngine({
  port: Number(process.env.LOCAL_ENGINE_PORT ?? 8788),
  textModelPath: process.env.LOCAL_TEXT_MODEL || undefined,
});
console.log(`Local Workers AI engine: ${engine.url}`);
const statusUrl = new URL("/local/status", engine.url);
console.log(`Status: ${statusUrl}`);

// The engine asks for a token when LOCAL_ENGINE_TOKEN is set; its own status checks carry it too.
const headers: Record<string, string> = process.env.LOCAL_ENGINE_TOKEN ? { authorization: `Bearer ${process.env.LOCAL_ENGINE_TOKEN}` } : {};
const report = setInterval(async () => {
  const status = (await (await fetch(statusUrl, { headers })).json()) as { ready: boolean; problem?: string; textModel?: string };
  if (status.ready) console.log(`Ready: ${status.textModel}`);
  else if (status.problem) console.log(status.problem);
  else return;
  clearInterval(report);
}, 250);

const stop = async () => {
  clearInterval(report);
  await engine.close();
  process.exit(0);
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
