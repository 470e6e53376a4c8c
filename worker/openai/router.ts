import { Hono } from "hono";
import { cors } from "hono/cors";
import { AppError } from "../../contract/errors";
import type { AppEnv } from "../http/app-types";
import { toAppError } from "../http/errors";
import { log } from "../log";
import { securityHeaders } from "../http/security";
import { audioSpeech } from "./audio-speech";
import { audioTranscriptions } from "./audio-transcriptions";
import { apiKeyAuth } from "./auth";
import { chatCompletions } from "./chat";
import { embeddings } from "./embeddings";
import { openAiErrorResponse, toOpenAiError } from "./errors";
import { imageGenerations } from "./images";
import { getModel, listModels } from "./models";

/**
 * The OpenAI-compatible API, mounted at /v1. Any origin may call it (browser tools), but only with
 * a key: no cookie is read or set here and CORS never allows credentials, so a page on another
 * site cannot act with a visitor's session. The Origin check of the cookie routes does not apply.
 */
export const v1 = new Hono<AppEnv>();

v1.use(
  "*",
  // Allowed request headers are the preflight's own (the SDKs add x-stainless-* headers).
  cors({
    origin: "*",
    allowMethods: ["GET", "POST", "OPTIONS"],
    exposeHeaders: ["retry-after", "x-request-id"],
    maxAge: 86_400,
    credentials: false,
  }),
  securityHeaders,
  apiKeyAuth,
);
v1.get("/models", listModels);
v1.get("/models/*", getModel);
v1.post("/chat/completions", chatCompletions);
v1.post("/embeddings", embeddings);
v1.post("/images/generations", imageGenerations);
v1.post("/audio/transcriptions", audioTranscriptions);
v1.post("/audio/speech", audioSpeech);
v1.all("*", (c) => {
  throw new AppError(
    "not_found",
    `No OpenAI-compatible route ${c.req.method} ${new URL(c.req.url).pathname}. This API has /v1/models, /v1/chat/completions, /v1/embeddings, /v1/images/generations, /v1/audio/transcriptions and /v1/audio/speech.`,
  );
});

v1.onError((error, c) => {
  const appError = toAppError(error);
  log("v1.error", {
    path: new URL(c.req.url).pathname,
    code: appError.code,
    status: toOpenAiError(appError).status,
    ...(appError.code === "internal" ? { detail: String(error) } : {}),
  });
  return openAiErrorResponse(c, appError);
});
