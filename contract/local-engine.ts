/**
 * What the local engine (engine/) and the Worker agree on beyond Workers AI's own contract. The
 * engine's error codes sit far from Cloudflare's ranges so they cannot be mistaken for one of theirs.
 */

/** The model process failed or stopped mid-answer: an upstream failure, retryable. */
export const LOCAL_ENGINE_FAILED = 9900;
/** No text model loaded. */
export const LOCAL_ENGINE_NO_MODEL = 9901;
/** No image model weights (SD-Turbo layout ONNX files). */
export const LOCAL_ENGINE_NO_IMAGE_MODEL = 9902;
/** No vision (image-to-text) model. */
export const LOCAL_ENGINE_NO_VISION_MODEL = 9903;
/** No embedding (feature-extraction) model. */
export const LOCAL_ENGINE_NO_EMBEDDING_MODEL = 9904;
/** No transcription (Whisper) model. */
export const LOCAL_ENGINE_NO_SPEECH_MODEL = 9905;

/**
 * How the Worker knows the local engine answered rather than guessing from a host name: the engine's
 * `GET /local/status` carries `x-local-engine`, and every answer that reached a model names the model
 * file in `x-local-engine-model`. Any other server that speaks the Workers AI contract sends neither.
 */
export const LOCAL_ENGINE_HEADER = "x-local-engine";
export const LOCAL_ENGINE_MODEL_HEADER = "x-local-engine-model";
/** The first words of an answer's `servedBy` when the local engine served it. */
export const LOCAL_ENGINE_LABEL = "Local engine";
