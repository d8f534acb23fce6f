// Shared by the TypeScript examples: where the server is and which token and project to use.
//   DESKWIRE_URL   default http://127.0.0.1:3000 (what `npm start` serves)
//   DESKWIRE_TOKEN a token, as `npm start` prints it or POST /auth/signin returns it ("JWT eyJ…")
// The project is the first argument, or the token's user's first project.
export const url = process.env.DESKWIRE_URL ?? 'http://127.0.0.1:3000';
export const token = process.env.DESKWIRE_TOKEN ?? '';
if (!token) {
  console.error('Set DESKWIRE_TOKEN to a token: `npm start` prints one, POST /auth/signin returns one.');
  process.exit(2);
}

/** A REST call with the token; throws with the server's error body on failure. */
export async function rest<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(url + path, {
    method,
    headers: { authorization: token, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${json.error}: ${json.message}`);
  return json as T;
}

export async function projectId(): Promise<string> {
  if (process.argv[2]) return process.argv[2];
  const projects = await rest<{ id: string }[]>('GET', '/projects');
  if (!projects[0]) throw new Error('This user belongs to no project.');
  return projects[0].id;
}
