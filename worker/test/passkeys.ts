import type { SoftAuthenticator } from "./authenticator";
import type { TestClient } from "./client";

/** The page's "Create a passkey": options, the authenticator's answer, verify. */
export async function createPasskey(
  client: TestClient,
  authenticator: SoftAuthenticator,
  body: Record<string, unknown> = { name: "Ada" },
): Promise<Response> {
  const options = await client.json("/api/auth/registration/options", "POST", body);
  if (options.status !== 200) return options;
  const response = await authenticator.create(await options.json());
  return client.json("/api/auth/registration/verify", "POST", { response });
}

/** The page's "Sign in with a passkey". */
export async function signInWithPasskey(client: TestClient, authenticator: SoftAuthenticator, credentialId?: string): Promise<Response> {
  const options = await client.json("/api/auth/authentication/options", "POST", {});
  if (options.status !== 200) return options;
  const response = await authenticator.get(await options.json(), credentialId);
  return client.json("/api/auth/authentication/verify", "POST", { response });
}
