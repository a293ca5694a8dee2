// The tenx TypeScript SDK: openapi-fetch over types generated from
// openapi/openapi.yaml (src/schema.d.ts, written by `npm run generate`).
import createClient, { type Client, type ClientOptions, type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema.js";

export type { components, operations, paths } from "./schema.js";
export type { Client, Middleware } from "openapi-fetch";

/** Every schema of the spec, by name: `Schemas["Link"]`. */
export type Schemas = components["schemas"];
/** The error envelope every non-2xx response carries. */
export type ApiError = Schemas["Error"];
export type Link = Schemas["Link"];
export type LinkInput = Schemas["LinkInput"];
export type LinkList = Schemas["LinkList"];
export type Handle = Schemas["Handle"];
export type HandleCreate = Schemas["HandleCreate"];
export type Role = Schemas["Role"];
export type Token = Schemas["Token"];
export type TokenCreate = Schemas["TokenCreate"];
export type TokenCreated = Schemas["TokenCreated"];
export type TokenList = Schemas["TokenList"];
export type TokenSelf = Schemas["TokenSelf"];
export type Scope = Schemas["Scope"];
export type User = Schemas["User"];
export type Credentials = Schemas["Credentials"];
export type AccessToken = Schemas["AccessToken"];

/** A Personal Access Token as minted by `POST /v2/handles/{handle}/tokens`. */
export type PersonalAccessToken = `patv1_${string}.${string}`;

/** The client: `GET`, `POST`, `PUT`, `PATCH`, `DELETE` over the spec's paths. */
export type TenxClient = Client<paths>;

export interface TenxClientOptions {
  /** Where tenx is served, e.g. `http://localhost:8080`. */
  baseUrl: string;
  /** A PAT for `/v2/public/handles/{handle}/*`; sent in `x-api-key`. */
  pat?: string;
  /** A JWT from `POST /v2/auth/login` for the control plane; sent as `Authorization: Bearer`. */
  accessToken?: string;
  /** A custom fetch (defaults to `globalThis.fetch`). */
  fetch?: ClientOptions["fetch"];
}

/** Reports whether `token` has the shape `patv1_<tokenId>.<secret>`. */
export function isPAT(token: string): token is PersonalAccessToken {
  return /^patv1_[^.\s]+\.[^\s]+$/.test(token);
}

/** Middleware that sends a Personal Access Token in `x-api-key` (the header tenx prefers for PATs). */
export function withPAT(token: string): Middleware {
  if (!isPAT(token)) {
    throw new TypeError("withPAT: expected a personal access token patv1_<tokenId>.<secret>");
  }
  return {
    onRequest({ request }) {
      request.headers.set("x-api-key", token);
      return request;
    },
  };
}

/** Middleware that sends a signed-in user's access token (JWT) as `Authorization: Bearer`. */
export function withJWT(token: string): Middleware {
  if (token === "" || isPAT(token)) {
    throw new TypeError("withJWT: expected the accessToken from POST /v2/auth/login");
  }
  return {
    onRequest({ request }) {
      request.headers.set("authorization", `Bearer ${token}`);
      return request;
    },
  };
}

/**
 * Creates a typed tenx client. Pass `pat` for automation routes or
 * `accessToken` for the control plane (not both), or neither for public
 * operations such as sign-up and login.
 */
export function createTenxClient(options: TenxClientOptions): TenxClient {
  const { baseUrl, pat, accessToken, fetch } = options;
  if (pat !== undefined && accessToken !== undefined) {
    throw new TypeError("createTenxClient: pass either pat or accessToken, not both");
  }
  const client = createClient<paths>({ baseUrl: baseUrl.replace(/\/+$/, ""), ...(fetch ? { fetch } : {}) });
  if (pat !== undefined) client.use(withPAT(pat));
  if (accessToken !== undefined) client.use(withJWT(accessToken));
  return client;
}
