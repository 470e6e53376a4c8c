import { basename, dirname } from "node:path";
import { env, InterruptableStoppingCriteria, pipeline, RawImage, TextStreamer, type ImageToTextPipeline } from "@huggingface/transformers";
import type { ChildConfig, FromChild, ToChild } from "./protocol";

/**
 * The vision inference child: loads one transformers.js image-to-text model from disk (never from
 * the network) and captions one image at a time, streaming words back to the parent. A separate
 * process so a slow or crashing ONNX run cannot stall the engine's HTTP server.
 */
const config = JSON.parse(process.argv[2] ?? "{}") as ChildConfig;
const send = (msg: FromChild) => process.send?.(msg);

env.allowRemoteModels = false;
env.allowLocalModels = true;
env.localModelPath = dirname(config.modelDir);

let captioner: ImageToTextPipeline;
try {
  captioner = (await pipeline("image-to-text", basename(config.modelDir), { dtype: "fp32" })) as ImageToTextPipeline;
  send({ type: "ready" });
} catch (err) {
  send({ type: "load-error", message: (err as Error).message });
  process.exit(1);
}

const running = new Map<number, InterruptableStoppingCriteria>();

process.on("message", (msg: ToChild) => {
  if (msg.type === "abort") return running.get(msg.id)?.interrupt();
  void caption(msg.id, msg.request.imageBase64, msg.request.maxTokens);
});

async function caption(id: number, imageBase64: string, maxTokens: number) {
  const stop = new InterruptableStoppingCriteria();
  running.set(id, stop);
  let completionTokens = 0;
  try {
    const image = await RawImage.fromBlob(new Blob([Buffer.from(imageBase64, "base64")]));
    const streamer = new TextStreamer(captioner.tokenizer, {
      skip_prompt: true,
      callback_function: (text: string) => text && send({ type: "token", id, text }),
      token_callback_function: () => void completionTokens++,
    });
    await captioner(image, { max_new_tokens: maxTokens, streamer, stopping_criteria: [stop] } as never);
    // A captioner reads the image, not the question: one "prompt token" stands for the image.
    send({ type: "done", id, usage: { prompt_tokens: 1, completion_tokens: completionTokens, total_tokens: 1 + completionTokens } });
  } catch (err) {
    send({ type: "error", id, message: (err as Error).message });
  } finally {
    running.delete(id);
  }
}
