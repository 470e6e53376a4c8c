/**
 * The little of express (a dependency of @modelcontextprotocol/sdk's server auth pieces) that
 * e2e/support/mcp-server.ts uses, typed here rather than installing @types/express for one test server.
 */
declare module "express" {
  import type { IncomingMessage, Server, ServerResponse } from "node:http";
  export interface Request extends IncomingMessage {
    // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON body is whatever the client sent.
    body?: any;
    query: Record<string, string | string[] | undefined>;
  }
  export interface Response extends ServerResponse {
    status(code: number): Response;
    set(name: string, value: string): Response;
    json(body: unknown): Response;
    redirect(url: string): void;
  }
  export type NextFunction = (error?: unknown) => void;
  export type RequestHandler = (req: Request, res: Response, next: NextFunction) => unknown;
  export interface Express {
    use(...handlers: RequestHandler[]): Express;
    get(path: string, ...handlers: RequestHandler[]): Express;
    post(path: string, ...handlers: RequestHandler[]): Express;
    all(path: string, ...handlers: RequestHandler[]): Express;
    listen(port: number, host: string, callback: () => void): Server;
  }
  const express: { (): Express; json(): RequestHandler };
  export default express;
}
