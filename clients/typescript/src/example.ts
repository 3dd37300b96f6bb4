// Compiled with the rest by `npm run typecheck`: if the contract changes a shape these calls use,
// the type check (and so the API tests) fails.
import { ApiProblem, createClient } from "./client";

export async function example(): Promise<void> {
  const api = createClient({ baseUrl: "https://api.convergio.io" });
  const signedIn = await api.request("post", "/api/v1/auth/login", { body: { email: "ada@example.com", password: "correct horse battery staple" } });
  if ("mfaRequired" in signedIn) {
    await api.request("post", "/api/v1/auth/mfa/verify", { body: { code: "123456", recoveryCode: null } });
  }
  api.resetCsrfToken();
  const org = await api.request("post", "/api/v1/orgs", { body: { name: "Acme", slug: "acme" } });
  const projects = await api.request("get", "/api/v1/orgs/{orgId}/projects", { path: { orgId: org.id }, query: { page: 1, pageSize: 50 } });
  console.log(projects.items.map((p) => p.name), projects.total);
  try {
    await api.request("delete", "/api/v1/orgs/{orgId}", { path: { orgId: org.id } });
  } catch (error) {
    if (error instanceof ApiProblem && error.type === "https://convergio.io/problems/reauthentication-required") {
      console.log("reauthenticate, then retry");
    }
  }
}
