// Vite (which builds and tests the Worker) imports any file as a string with `?raw`.
declare module "*?raw" {
  const text: string;
  export default text;
}
