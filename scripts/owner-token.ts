/**
 * `npm run owner-token`: a fresh owner setup token and how to use it. The first owner of a deployment
 * is whoever holds OWNER_SETUP_TOKEN, not whoever signs up first (worker/auth/owner-setup.ts); each
 * token makes one owner. `npm run dev` makes its own token on every start and prints it.
 */
import { randomBytes } from "node:crypto";

const token = randomBytes(32).toString("base64url");
console.log(`Owner setup token: ${token}

1. Set it as a secret of your deployment (paste the token when asked):
     node scripts/wrangler.mjs secret put OWNER_SETUP_TOKEN
2. Open /account on your deployment, give your account a name, paste the token under
   "Owner setup token" and create your passkey: that account is the owner.
   (Already have an account? Paste it under "Owner" on /account instead.)

The token works once. Run this again for a new one (to make another owner).`);
