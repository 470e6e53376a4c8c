/** The voice runtime, fetched the first time a voice control is used (or hovered/focused, to be ready by the press). */
export const loadVoice = () => import("./runtime");
export type VoiceRuntime = Awaited<ReturnType<typeof loadVoice>>;
