import { get } from 'node:http';

/**
 * The status of a GET on a connection of its own. fetch reuses a kept-alive socket, and a server that closes it
 * for idleness at the same moment turns the call into "fetch failed": a race of the client pool, not of the server
 * under test. Checks made while a server drains use this, so they fail only for what they check.
 */
export function freshGetStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    }).on('error', (error) => reject(new Error(`GET ${url}: ${error.message}`, { cause: error })));
  });
}
